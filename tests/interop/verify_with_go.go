// verify_with_go: an independent check, in Go, of what `ledgerctl` writes.
//
// Everything cryptographic below is done by the Go module golang.org/x/mod
// (Debian: golang-golang-x-mod-dev), which shares no code with the C++ ledger:
//
//   - golang.org/x/mod/sumdb/note  (https://pkg.go.dev/golang.org/x/mod/sumdb/note)
//     the reference implementation of C2SP signed notes
//     (https://c2sp.org/signed-note): verifier keys "name+hexkeyid+base64(0x01||pubkey)",
//     the blank line, and "— name base64(keyid||sig)" Ed25519 signature lines.
//   - golang.org/x/mod/sumdb/tlog  (https://pkg.go.dev/golang.org/x/mod/sumdb/tlog)
//     RFC 6962 Merkle trees (RFC 9162 section 2.1 keeps the same hashing):
//     RecordHash = SHA-256(0x00||data), NodeHash = SHA-256(0x01||l||r),
//     CheckRecord = inclusion ("audit path", RFC 6962 2.1.1 / RFC 9162 2.1.3.2),
//     CheckTree = consistency (RFC 6962 2.1.2 / RFC 9162 2.1.4.2).
//
// The checkpoint body is the C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
// origin line, decimal tree size, base64 root hash, optional extension lines.
// tlog.ParseTree is not used for it: it parses the go.sum database's own
// header ("go.sum database tree"), not the C2SP origin line, so the body is
// parsed here with the standard library. The "tlogProof" text of a compact
// proof is C2SP tlog-proof (https://c2sp.org/tlog-proof), likewise parsed here.
//
// Usage (see go_interop_test.sh, which produces every file with ledgerctl):
//
//	verify_with_go -vkey VKEY -old CP_OLD -new CP_NEW
//	    [-skey KEYFILE]                  also re-sign both checkpoints with Go and compare bytes
//	    -consistency FILE.json ...       `ledgerctl consistency --format json` (repeatable)
//	    -inclusion FILE.json ...         `ledgerctl prove --compact ...` or `prove --seq ... --format json` (repeatable)
//
// It prints "GO INTEROP OK" and exits 0 when everything verifies and every
// deliberately corrupted input is rejected; otherwise it prints
// "GO INTEROP FAILED: ..." and exits 1.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

var failures int

func fail(format string, args ...any) {
	failures++
	fmt.Fprintf(os.Stderr, "GO INTEROP FAILED: "+format+"\n", args...)
}

func fatal(format string, args ...any) {
	fail(format, args...)
	os.Exit(1)
}

func readFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		fatal("%v", err)
	}
	return b
}

// checkpoint is a verified C2SP tlog-checkpoint.
type checkpoint struct {
	text   []byte // the whole signed note, as ledgerctl wrote it
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies the signed note with note.Open and parses its body
// as a C2SP tlog-checkpoint.
func openCheckpoint(what string, text []byte, verifier note.Verifier) (*checkpoint, error) {
	n, err := note.Open(text, note.VerifierList(verifier))
	if err != nil {
		return nil, fmt.Errorf("%s: note.Open rejects the signed note: %w", what, err)
	}
	if len(n.Sigs) != 1 || n.Sigs[0].Name != verifier.Name() || n.Sigs[0].Hash != verifier.KeyHash() {
		return nil, fmt.Errorf("%s: expected exactly one verified signature by %s+%08x, got %+v", what, verifier.Name(), verifier.KeyHash(), n.Sigs)
	}
	if len(n.UnverifiedSigs) != 0 {
		return nil, fmt.Errorf("%s: unexpected unverified signatures %+v", what, n.UnverifiedSigs)
	}
	// note.Open guarantees the body ends with "\n".
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return nil, fmt.Errorf("%s: checkpoint body has %d lines, want origin, size, root", what, len(lines))
	}
	cp := &checkpoint{text: text, origin: lines[0]}
	if cp.origin == "" {
		return nil, fmt.Errorf("%s: empty origin line", what)
	}
	if cp.origin != verifier.Name() {
		// Not required by the spec, but it is how ledgerctl names its keys.
		return nil, fmt.Errorf("%s: origin %q differs from the key name %q", what, cp.origin, verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return nil, fmt.Errorf("%s: tree size line %q is not a canonical decimal", what, lines[1])
	}
	cp.size = size
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return nil, fmt.Errorf("%s: root line %q is not base64 of %d bytes", what, lines[2], tlog.HashSize)
	}
	copy(cp.root[:], root)
	for i, ext := range lines[3:] {
		if ext == "" {
			return nil, fmt.Errorf("%s: empty extension line %d", what, i+4)
		}
	}
	return cp, nil
}

func parseHexHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("%q is not a hex SHA-256 hash", s)
	}
	copy(h[:], b)
	return h, nil
}

func parseHexHashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, 0, len(list))
	for _, s := range list {
		h, err := parseHexHash(s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// flipped returns a copy of p with the bit 0x01 of byte i inverted.
func flipped(p []byte, i int) []byte {
	q := append([]byte(nil), p...)
	q[i] ^= 0x01
	return q
}

// firstError returns the first non-nil error (errors.Join needs Go 1.20;
// Debian 12 ships Go 1.19).
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func copyHashes(p []tlog.Hash) []tlog.Hash { return append([]tlog.Hash(nil), p...) }

// ---- signed notes ----------------------------------------------------------

// negativeNoteChecks corrupts a good checkpoint and requires note.Open to refuse it.
func negativeNoteChecks(cp *checkpoint, verifier note.Verifier) {
	text := string(cp.text)
	sep := strings.LastIndex(text, "\n\n")
	body, sigs := text[:sep+1], text[sep+2:]

	// A flipped bit in the signature itself.
	const dash = "— "
	fields := strings.Fields(strings.TrimPrefix(strings.SplitN(sigs, "\n", 2)[0], dash))
	raw, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		fail("signature line %q is not base64", fields[1])
		return
	}
	badSig := body + "\n" + dash + fields[0] + " " + base64.StdEncoding.EncodeToString(flipped(raw, len(raw)-1)) + "\n"
	var invalid *note.InvalidSignatureError
	if _, err := note.Open([]byte(badSig), note.VerifierList(verifier)); !errors.As(err, &invalid) {
		fail("note.Open accepted (or misreported) a checkpoint with a flipped signature bit: err=%v", err)
	}

	// A changed root hash under the old signature.
	lines := strings.SplitN(body, "\n", 4)
	root, _ := base64.StdEncoding.DecodeString(lines[2])
	lines[2] = base64.StdEncoding.EncodeToString(flipped(root, 0))
	badRoot := strings.Join(lines, "\n") + "\n" + sigs
	if _, err := note.Open([]byte(badRoot), note.VerifierList(verifier)); !errors.As(err, &invalid) {
		fail("note.Open accepted (or misreported) a checkpoint with a changed root: err=%v", err)
	}

	// A key of the same name but other key material is not the signer.
	_, otherVkey, err := note.GenerateKey(rand.Reader, verifier.Name())
	if err == nil {
		other, _ := note.NewVerifier(otherVkey)
		var unverified *note.UnverifiedNoteError
		if _, err := note.Open(cp.text, note.VerifierList(other)); !errors.As(err, &unverified) {
			fail("note.Open accepted a checkpoint under an unrelated key: err=%v", err)
		}
	}
}

// resignAndCompare signs the checkpoint body with Go's note.Sign and the same
// private key; Ed25519 is deterministic, so the notes must be byte-identical.
func resignAndCompare(cp *checkpoint, skey string, verifier note.Verifier) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		fail("note.NewSigner rejects the private key file written by `ledgerctl keygen`: %v", err)
		return
	}
	if signer.Name() != verifier.Name() || signer.KeyHash() != verifier.KeyHash() {
		fail("private key %s+%08x does not match verifier key %s+%08x", signer.Name(), signer.KeyHash(), verifier.Name(), verifier.KeyHash())
		return
	}
	text := string(cp.text)
	body := text[:strings.LastIndex(text, "\n\n")+1]
	goNote, err := note.Sign(&note.Note{Text: body}, signer)
	if err != nil {
		fail("note.Sign: %v", err)
		return
	}
	if !bytes.Equal(goNote, cp.text) {
		fail("Go's note.Sign gives a different signed note for tree size %d:\n--- Go\n%s--- ledgerctl\n%s", cp.size, goNote, cp.text)
	}
}

// ---- consistency -----------------------------------------------------------

type consistencyJSON struct {
	FirstSize  int64    `json:"firstSize"`
	SecondSize int64    `json:"secondSize"`
	FirstRoot  string   `json:"firstRoot"`
	SecondRoot string   `json:"secondRoot"`
	Hashes     []string `json:"hashes"`
}

func checkConsistency(path string, oldCP, newCP *checkpoint) (signedPair bool) {
	var c consistencyJSON
	if err := json.Unmarshal(readFile(path), &c); err != nil {
		fail("%s: %v", path, err)
		return false
	}
	first, err1 := parseHexHash(c.FirstRoot)
	second, err2 := parseHexHash(c.SecondRoot)
	proof, err3 := parseHexHashes(c.Hashes)
	if err := firstError(err1, err2, err3); err != nil {
		fail("%s: %v", path, err)
		return false
	}
	// Whenever a size is that of a signed checkpoint, trust only the signed root.
	for _, cp := range []*checkpoint{oldCP, newCP} {
		if c.FirstSize == cp.size && first != cp.root {
			fail("%s: firstRoot %s differs from the signed checkpoint root of size %d", path, c.FirstRoot, cp.size)
		}
		if c.SecondSize == cp.size && second != cp.root {
			fail("%s: secondRoot %s differs from the signed checkpoint root of size %d", path, c.SecondRoot, cp.size)
		}
	}
	if c.SecondSize == newCP.size {
		second = newCP.root
	}
	if c.FirstSize == oldCP.size {
		first = oldCP.root
	}
	if err := tlog.CheckTree(proof, c.SecondSize, second, c.FirstSize, first); err != nil {
		fail("%s: tlog.CheckTree rejects the consistency proof %d -> %d (%d hashes): %v", path, c.FirstSize, c.SecondSize, len(proof), err)
		return false
	}
	// Negative checks: any changed hash, or a wrong size, must be refused.
	if len(proof) > 0 {
		for i := range proof {
			bad := copyHashes(proof)
			bad[i][i%tlog.HashSize] ^= 0x01
			if tlog.CheckTree(bad, c.SecondSize, second, c.FirstSize, first) == nil {
				fail("%s: tlog.CheckTree accepted a consistency proof with hash %d altered", path, i)
			}
		}
	}
	badFirst := first
	badFirst[31] ^= 0x01
	if tlog.CheckTree(proof, c.SecondSize, second, c.FirstSize, badFirst) == nil {
		fail("%s: tlog.CheckTree accepted an altered old root", path)
	}
	// (No wrong-size check: the proof alone does not bind the sizes, e.g. a
	// 1 -> 72 proof also runs for 1 -> 73; the signed roots bind them.)
	fmt.Printf("consistency %d -> %d: tlog.CheckTree OK (%d hashes)\n", c.FirstSize, c.SecondSize, len(proof))
	return c.FirstSize == oldCP.size && c.SecondSize == newCP.size
}

// ---- inclusion -------------------------------------------------------------

type inclusionJSON struct {
	// `ledgerctl prove --compact C --event N`
	Checkpoint string   `json:"checkpoint"`
	Entry      string   `json:"entry"`
	Inclusion  []string `json:"inclusion"`
	Sequence   *int64   `json:"sequence"`
	TlogProof  string   `json:"tlogProof"`
	// `ledgerctl prove --seq N --format json`
	Hashes    []string `json:"hashes"`
	LeafIndex *int64   `json:"leafIndex"`
	RootHash  string   `json:"rootHash"`
	// both
	LeafHash string `json:"leafHash"`
	TreeSize int64  `json:"treeSize"`
}

// tlogProof is a parsed C2SP tlog-proof (c2sp.org/tlog-proof@v1).
type tlogProof struct {
	extra      []byte
	index      int64
	hashes     []tlog.Hash
	checkpoint []byte
}

func parseTlogProof(text string) (*tlogProof, error) {
	const header = "c2sp.org/tlog-proof@v1\n"
	if !strings.HasPrefix(text, header) {
		return nil, fmt.Errorf("missing %q header", strings.TrimSpace(header))
	}
	rest := text[len(header):]
	next := func() (string, error) {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return "", errors.New("truncated tlog-proof")
		}
		line := rest[:i]
		rest = rest[i+1:]
		return line, nil
	}
	p := &tlogProof{}
	line, err := next()
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(line, "extra ") {
		if p.extra, err = base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(line, "extra ")); err != nil {
			return nil, fmt.Errorf("extra line: %v", err)
		}
		if line, err = next(); err != nil {
			return nil, err
		}
	}
	idx := strings.TrimPrefix(line, "index ")
	if idx == line {
		return nil, fmt.Errorf("want an index line, got %q", line)
	}
	if p.index, err = strconv.ParseInt(idx, 10, 64); err != nil || strconv.FormatInt(p.index, 10) != idx {
		return nil, fmt.Errorf("index %q is not a canonical decimal", idx)
	}
	for {
		if line, err = next(); err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		b, err := base64.StdEncoding.Strict().DecodeString(line)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("proof line %q is not base64 of a hash", line)
		}
		var h tlog.Hash
		copy(h[:], b)
		p.hashes = append(p.hashes, h)
	}
	p.checkpoint = []byte(rest)
	return p, nil
}

func checkInclusion(path string, newCP *checkpoint, verifier note.Verifier) {
	var in inclusionJSON
	if err := json.Unmarshal(readFile(path), &in); err != nil {
		fail("%s: %v", path, err)
		return
	}
	if in.Entry == "" {
		checkOwnLeafInclusion(path, &in, newCP)
		return
	}
	if in.Sequence == nil {
		fail("%s: no sequence", path)
		return
	}
	seq := *in.Sequence
	entry, err := base64.StdEncoding.Strict().DecodeString(in.Entry)
	if err != nil {
		fail("%s: entry is not base64: %v", path, err)
		return
	}
	// The leaf hash is computed by Go from the stored entry bytes, not taken from ledgerctl.
	leaf := tlog.RecordHash(entry)
	if in.LeafHash != hex.EncodeToString(leaf[:]) {
		fail("%s: ledgerctl's leafHash %s differs from Go's tlog.RecordHash(entry) %x", path, in.LeafHash, leaf)
	}
	// The proof is against the embedded signed checkpoint, which Go verifies itself.
	cp, err := openCheckpoint(path+" checkpoint", []byte(in.Checkpoint), verifier)
	if err != nil {
		fail("%v", err)
		return
	}
	if !bytes.Equal(cp.text, newCP.text) {
		fail("%s: embedded checkpoint differs from the newest signed checkpoint", path)
	}
	if in.TreeSize != cp.size {
		fail("%s: treeSize %d differs from the checkpoint's size %d", path, in.TreeSize, cp.size)
	}
	proof, err := parseHexHashes(in.Inclusion)
	if err != nil {
		fail("%s: %v", path, err)
		return
	}
	if err := tlog.CheckRecord(proof, cp.size, cp.root, seq, leaf); err != nil {
		fail("%s: tlog.CheckRecord rejects the inclusion proof of entry %d in tree %d: %v", path, seq, cp.size, err)
		return
	}

	// The same proof in C2SP tlog-proof form must say the same thing.
	tp, err := parseTlogProof(in.TlogProof)
	if err != nil {
		fail("%s: tlogProof: %v", path, err)
		return
	}
	tcp, err := openCheckpoint(path+" tlogProof checkpoint", tp.checkpoint, verifier)
	if err != nil {
		fail("%v", err)
		return
	}
	if tp.index != seq || !bytes.Equal(tp.extra, entry) || !bytes.Equal(tcp.text, cp.text) {
		fail("%s: tlogProof (index %d, %d extra bytes) disagrees with the JSON (sequence %d, %d entry bytes) or its checkpoint", path, tp.index, len(tp.extra), seq, len(entry))
	}
	if err := tlog.CheckRecord(tp.hashes, tcp.size, tcp.root, tp.index, tlog.RecordHash(tp.extra)); err != nil {
		fail("%s: tlog.CheckRecord rejects the tlog-proof text: %v", path, err)
	}

	// Negative checks: a changed entry byte, proof hash or index must be refused.
	if tlog.CheckRecord(proof, cp.size, cp.root, seq, tlog.RecordHash(flipped(entry, len(entry)/2))) == nil {
		fail("%s: tlog.CheckRecord accepted an entry with a flipped byte", path)
	}
	for i := range proof {
		bad := copyHashes(proof)
		bad[i][0] ^= 0x80
		if tlog.CheckRecord(bad, cp.size, cp.root, seq, leaf) == nil {
			fail("%s: tlog.CheckRecord accepted an inclusion proof with hash %d altered", path, i)
		}
	}
	if sibling := seq ^ 1; sibling < cp.size && tlog.CheckRecord(proof, cp.size, cp.root, sibling, leaf) == nil {
		fail("%s: tlog.CheckRecord accepted the proof at the wrong index", path)
	}
	fmt.Printf("inclusion of entry %d (%d bytes, leaf %x...) in signed tree %d: tlog.CheckRecord OK (%d hashes)\n", seq, len(entry), leaf[:4], cp.size, len(proof))
}

// checkOwnLeafInclusion checks `prove --seq N [--size M] --format json`,
// which carries no entry bytes: the leaf hash is ledgerctl's own.
func checkOwnLeafInclusion(path string, in *inclusionJSON, newCP *checkpoint) {
	if in.LeafIndex == nil {
		fail("%s: neither entry nor leafIndex", path)
		return
	}
	leaf, err1 := parseHexHash(in.LeafHash)
	root, err2 := parseHexHash(in.RootHash)
	proof, err3 := parseHexHashes(in.Hashes)
	if err := firstError(err1, err2, err3); err != nil {
		fail("%s: %v", path, err)
		return
	}
	if in.TreeSize == newCP.size {
		if root != newCP.root {
			fail("%s: rootHash differs from the signed checkpoint root", path)
		}
		root = newCP.root
	}
	if err := tlog.CheckRecord(proof, in.TreeSize, root, *in.LeafIndex, leaf); err != nil {
		fail("%s: tlog.CheckRecord rejects the inclusion proof of leaf %d in tree %d: %v", path, *in.LeafIndex, in.TreeSize, err)
		return
	}
	fmt.Printf("inclusion of leaf %d in tree %d (ledgerctl's leaf hash): tlog.CheckRecord OK (%d hashes)\n", *in.LeafIndex, in.TreeSize, len(proof))
}

func main() {
	vkeyPath := flag.String("vkey", "", "file holding the verifier key printed by `ledgerctl keygen`")
	skeyPath := flag.String("skey", "", "optional: the private key file, to re-sign the checkpoints with Go and compare")
	oldPath := flag.String("old", "", "older signed checkpoint")
	newPath := flag.String("new", "", "newer signed checkpoint (the one `prove --compact` proves against)")
	var consistency, inclusion listFlag
	flag.Var(&consistency, "consistency", "`ledgerctl consistency --format json` output (repeatable)")
	flag.Var(&inclusion, "inclusion", "`ledgerctl prove ...` JSON output (repeatable)")
	flag.Parse()
	if *vkeyPath == "" || *oldPath == "" || *newPath == "" || len(consistency) == 0 || len(inclusion) == 0 || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}

	vkey := strings.TrimSpace(string(readFile(*vkeyPath)))
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fatal("note.NewVerifier rejects the verifier key %q printed by `ledgerctl keygen`: %v", vkey, err)
	}
	fmt.Printf("verifier key %s+%08x accepted by note.NewVerifier\n", verifier.Name(), verifier.KeyHash())

	oldCP, err := openCheckpoint(*oldPath, readFile(*oldPath), verifier)
	if err != nil {
		fatal("%v", err)
	}
	newCP, err := openCheckpoint(*newPath, readFile(*newPath), verifier)
	if err != nil {
		fatal("%v", err)
	}
	if oldCP.origin != newCP.origin || oldCP.size >= newCP.size {
		fatal("checkpoints (%q, %d) and (%q, %d) are not two sizes of one log", oldCP.origin, oldCP.size, newCP.origin, newCP.size)
	}
	fmt.Printf("signed checkpoints of %s at sizes %d and %d: note.Open OK\n", newCP.origin, oldCP.size, newCP.size)
	negativeNoteChecks(oldCP, verifier)
	negativeNoteChecks(newCP, verifier)
	if *skeyPath != "" {
		skey := strings.TrimSpace(string(readFile(*skeyPath)))
		resignAndCompare(oldCP, skey, verifier)
		resignAndCompare(newCP, skey, verifier)
		fmt.Println("note.Sign with the same key reproduces both checkpoints byte for byte")
	}

	signedPair := false
	for _, path := range consistency {
		if checkConsistency(path, oldCP, newCP) {
			signedPair = true
		}
	}
	if !signedPair {
		fail("no consistency proof between the two signed checkpoints (%d -> %d) was given", oldCP.size, newCP.size)
	}
	for _, path := range inclusion {
		checkInclusion(path, newCP, verifier)
	}

	if failures > 0 {
		fmt.Fprintf(os.Stderr, "GO INTEROP FAILED: %d check(s) failed\n", failures)
		os.Exit(1)
	}
	fmt.Println("GO INTEROP OK")
}

// verify_tiles_with_go: an independent reader of a log that `ledgerctl serve
// --http` publishes as C2SP tlog-tiles, and of the witnesses' cosignatures
// on its checkpoint, written against Go's golang.org/x/mod/sumdb (note, tlog)
// and crypto/ed25519 only. See go_tiles_interop_test.sh.
//
// It checks, from URL/checkpoint and URL/tile/...:
//   - the checkpoint is signed by the policy's log key (note.Open);
//   - every witness of the policy cosigned it: C2SP tlog-cosignature
//     (cosignature/v1, key type 0x04), verified with crypto/ed25519 over
//     "cosignature/v1\ntime <t>\n" and the checkpoint text;
//   - the hash tiles, read through tlog.TileHashReader (which checks every
//     tile against the tree), give the checkpoint's root (tlog.TreeHash);
//   - records at the start, middle and end: their bytes from the entry
//     bundles, their inclusion proved (tlog.ProveRecord) and checked
//     (tlog.CheckRecord) against the root;
//   - a tile altered in transit is refused.
// tlog's tile paths carry the tile height ("tile/8/0/000"); C2SP
// tlog-tiles paths do not ("tile/0/000"): the reader maps one to the other.
//
// Usage: verify_tiles_with_go -url URL -policy FILE
// Prints "GO TILES OK" last on success; exits 1 naming the first failure.
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fatal(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func fetch(url string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		fatal("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		fatal("GET %s: status %d, %v", url, resp.StatusCode, err)
	}
	return body
}

// tileReader reads C2SP tlog-tiles over HTTP for tlog.TileHashReader;
// `alter`, when set, changes one byte of the first tile it returns.
type tileReader struct {
	base  string
	alter bool
}

func (r *tileReader) Height() int { return 8 }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		// "tile/8/L/N..." (tlog) is "tile/L/N..." (C2SP tlog-tiles).
		path := "tile/" + strings.TrimPrefix(t.Path(), "tile/8/")
		data[i] = fetch(r.base + path)
		if r.alter && i == 0 && len(data[i]) > 0 {
			data[i][0] ^= 1
		}
	}
	return data, nil
}

func (r *tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

type witnessKey struct {
	name  string
	keyID []byte
	key   ed25519.PublicKey
}

// A C2SP tlog-cosignature verifier key: name+hex(key ID)+base64(0x04||key).
func parseWitnessKey(vkey string) witnessKey {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		fatal("malformed witness key %q", vkey)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		fatal("witness key %q is not a cosignature/v1 key (type 0x04)", vkey)
	}
	// The key ID: SHA-256(name || "\n" || 0x04 || key)[:4], as for notes.
	h := sha256.New()
	h.Write([]byte(parts[0] + "\n"))
	h.Write(raw)
	id := h.Sum(nil)[:4]
	if fmt.Sprintf("%08x", binary.BigEndian.Uint32(id)) != parts[1] {
		fatal("witness key %q: its key ID is not SHA-256(name, 0x04, key)", vkey)
	}
	return witnessKey{name: parts[0], keyID: id, key: ed25519.PublicKey(raw[1:])}
}

// Checks the cosignature of `w` among the note's signature lines.
func checkCosignature(w witnessKey, text string, sigLines []string) {
	for _, line := range sigLines {
		fields := strings.Fields(strings.TrimPrefix(line, "\u2014 "))
		if len(fields) != 2 || fields[0] != w.name {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(fields[1])
		if err != nil || len(sig) != 4+8+64 || !bytes.Equal(sig[:4], w.keyID) {
			continue
		}
		timestamp := binary.BigEndian.Uint64(sig[4:12])
		message := "cosignature/v1\ntime " + strconv.FormatUint(timestamp, 10) + "\n" + text
		if !ed25519.Verify(w.key, []byte(message), sig[12:]) {
			fatal("the cosignature of %s does not verify (crypto/ed25519)", w.name)
		}
		// Any other message must fail: the signature covers the timestamp.
		if ed25519.Verify(w.key, []byte("cosignature/v1\ntime "+strconv.FormatUint(timestamp+1, 10)+"\n"+text), sig[12:]) {
			fatal("the cosignature of %s verifies for another timestamp", w.name)
		}
		fmt.Printf("cosignature of %s (time %d): crypto/ed25519 OK\n", w.name, timestamp)
		return
	}
	fatal("no cosignature by %s on the checkpoint", w.name)
}

// The entries of a C2SP entry bundle: each a big-endian uint16 length and
// the entry's bytes.
func parseBundle(data []byte) [][]byte {
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			fatal("entry bundle truncated")
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			fatal("entry bundle truncated")
		}
		entries = append(entries, data[2:2+n])
		data = data[2+n:]
	}
	return entries
}

func bundlePath(index, size int64) string {
	t := tlog.Tile{H: 8, L: 0, N: index / 256, W: 256}
	if end := (index/256 + 1) * 256; end > size {
		t.W = int(size - index/256*256)
	}
	return "tile/entries/" + strings.TrimPrefix(t.Path(), "tile/8/0/")
}

func main() {
	url := flag.String("url", "", "where the log is published (ends with /)")
	policyPath := flag.String("policy", "", "C2SP tlog-policy naming the log key and the witnesses")
	flag.Parse()
	if *url == "" || *policyPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	base := strings.TrimSuffix(*url, "/") + "/"

	policy, err := os.Open(*policyPath)
	if err != nil {
		fatal("%v", err)
	}
	var logKey string
	var witnesses []witnessKey
	scanner := bufio.NewScanner(policy)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) >= 2 && fields[0] == "log" {
			logKey = fields[1]
		}
		if len(fields) >= 3 && fields[0] == "witness" {
			witnesses = append(witnesses, parseWitnessKey(fields[2]))
		}
	}
	if logKey == "" || len(witnesses) == 0 {
		fatal("the policy names no log key or no witness")
	}

	verifier, err := note.NewVerifier(logKey)
	if err != nil {
		fatal("note.NewVerifier rejects the policy's log key: %v", err)
	}
	raw := fetch(base + "checkpoint")
	// Witness cosignatures are by keys note.Open does not know: it ignores
	// them, and they are checked below with crypto/ed25519.
	n, err := note.Open(raw, note.VerifierList(verifier))
	if err != nil {
		fatal("note.Open rejects the published checkpoint: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		fatal("checkpoint text has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fatal("checkpoint size %q: %v", lines[1], err)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		fatal("checkpoint root %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	fmt.Printf("checkpoint of %s, tree size %d: note.Open OK with the log key\n", lines[0], size)

	sigBlock := string(raw[len(n.Text)+1:])
	sigLines := strings.Split(strings.TrimSpace(sigBlock), "\n")
	for _, w := range witnesses {
		checkCosignature(w, n.Text, sigLines)
	}

	tree := tlog.Tree{N: size, Hash: root}
	hashes := tlog.TileHashReader(tree, &tileReader{base: base})
	computed, err := tlog.TreeHash(size, hashes)
	if err != nil || computed != root {
		fatal("tlog.TreeHash over the tiles: %v (got %v, want %v)", err, computed, root)
	}
	fmt.Printf("tlog.TileHashReader read the hash tiles; tlog.TreeHash gives the checkpoint's root\n")

	for _, index := range []int64{0, size / 2, size - 1} {
		entries := parseBundle(fetch(base + bundlePath(index, size)))
		entry := entries[index%256]
		proof, err := tlog.ProveRecord(size, index, hashes)
		if err != nil {
			fatal("tlog.ProveRecord(%d, %d): %v", size, index, err)
		}
		if err := tlog.CheckRecord(proof, size, root, index, tlog.RecordHash(entry)); err != nil {
			fatal("tlog.CheckRecord of entry %d: %v", index, err)
		}
		fmt.Printf("entry %d (%d bytes) from %s: tlog.CheckRecord OK\n", index, len(entry), bundlePath(index, size))
	}

	altered := tlog.TileHashReader(tree, &tileReader{base: base, alter: true})
	if _, err := tlog.TreeHash(size, altered); err == nil {
		fatal("tlog.TileHashReader accepted a hash tile altered in transit")
	}
	fmt.Println("an altered hash tile is refused by tlog.TileHashReader")
	fmt.Println("GO TILES OK")
}

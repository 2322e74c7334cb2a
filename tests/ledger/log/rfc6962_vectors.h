// Published vectors: the 8-leaf reference tree of the RFC 6962 test suites,
// shared by the Merkle and compact-range tests.
//
// Leaf inputs and roots: google/certificate-transparency
// cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots); the same
// values, and the complete-subtree hashes, are transparency-dev/merkle
// testonly/constants.go (LeafInputs, RootHashes, NodeHashes) at commit
// 417fb0c314750d94e53942e9f92e79b6d35915db.
#ifndef LEDGER_TESTS_LEDGER_LOG_RFC6962_VECTORS_H_
#define LEDGER_TESTS_LEDGER_LOG_RFC6962_VECTORS_H_

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "ledger/log/hash.h"

namespace ledger::log::rfc6962 {

// The leaf hashes of the eight leaf inputs.
inline std::vector<Hash> Rfc6962Leaves() {
  std::vector<Hash> leaves;
  for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                          "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(LeafHash(absl::HexStringToBytes(hex)));
  }
  return leaves;
}

// The root of the first `size` leaves, by size (0 to 8), in hex.
inline std::vector<std::string> Rfc6962Roots() {
  return {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
}

// Complete-subtree hashes by [level][index], in hex.
inline std::vector<std::vector<std::string>> Rfc6962Nodes() {
  return {
      {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
       "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
       "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
       "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
       "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
       "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
       "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
      {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
       "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
      {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
      {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
  };
}

}  // namespace ledger::log::rfc6962

#endif  // LEDGER_TESTS_LEDGER_LOG_RFC6962_VECTORS_H_

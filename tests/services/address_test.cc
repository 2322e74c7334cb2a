// IsLoopbackAddress decides by parsing the address, never by how it begins.
#include "services/address.h"

#include <gtest/gtest.h>

namespace ledger::services {
namespace {

TEST(IsLoopbackAddressTest, LoopbackAddressesAndNamesAre) {
  for (const char* address :
       {"127.0.0.1:0", "127.0.0.1:8443", "127.1.2.3:1", "127.255.255.255:9", "127.0.0.1",
        "[::1]:50051", "[::1]", "::1", "localhost:1", "LocalHost:1", "localhost",
        "dns:///localhost:443", "dns:///127.0.0.1:443", "unix:/run/ledger.sock",
        "unix-abstract:ledger", "[0:0:0:0:0:0:0:1]:1"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
}

TEST(IsLoopbackAddressTest, NamesThatMerelyLookLoopbackAreNot) {
  for (const char* address :
       {"127.evil.example:443", "127.0.0.1.evil.example:443", "localhost.evil.example:1",
        "evil-localhost:1", "127.0.0.1evil:1", "127.1:1", "127.0.0.256:1", "0.0.0.0:1",
        ":443", "", "[::]:1", "[::1:1", "[::1]x:1", "::ffff:127.0.0.1", "[::2]:1",
        "128.0.0.1:1", "10.0.0.1:1", "192.0.2.1:443", "ledger.example:443",
        "dns://8.8.8.8/localhost:443", "ipv4:127.0.0.1:1,10.0.0.1:1"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

}  // namespace
}  // namespace ledger::services

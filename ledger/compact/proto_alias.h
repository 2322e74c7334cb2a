// Inside namespace ledger::compact the name `compact` means ledger::compact,
// so `compact::v1::Event` would not find the proto package. This alias makes
// `compact::v1::X` (written inside ledger::compact) name ::compact::v1::X,
// the generated messages of proto/compact/v1.
#ifndef LEDGER_COMPACT_PROTO_ALIAS_H_
#define LEDGER_COMPACT_PROTO_ALIAS_H_

#include "compact/v1/compact.pb.h"

namespace ledger::compact {
namespace v1 = ::compact::v1;
}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_PROTO_ALIAS_H_

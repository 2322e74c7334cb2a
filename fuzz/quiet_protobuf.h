// For targets that parse protobuf messages: protobuf logs every invalid
// UTF-8 string it parses, which would slow fuzzing and flood the output.
// The parsers report such input through their absl::Status anyway.
#ifndef LEDGER_FUZZ_QUIET_PROTOBUF_H_
#define LEDGER_FUZZ_QUIET_PROTOBUF_H_

#include <google/protobuf/stubs/logging.h>

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

#endif  // LEDGER_FUZZ_QUIET_PROTOBUF_H_

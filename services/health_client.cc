#include "services/health_client.h"

#include <vector>

#include <grpcpp/completion_queue.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/strings/str_cat.h"
#include "services/status.h"

namespace ledger::services {

namespace {

// Field 1 (service), length-delimited.
std::string HealthRequest(const std::string& service) {
  if (service.empty()) return "";
  return absl::StrCat(std::string(1, '\x0a'), std::string(1, static_cast<char>(service.size())),
                      service);
}

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// Waits for the next event on `cq`; false when the operation failed.
bool Await(grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  return cq.Next(&tag, &ok) && ok;
}

std::chrono::system_clock::time_point Deadline(absl::Duration timeout) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
}

}  // namespace

absl::StatusOr<bool> HealthClient::Check(const std::string& service, absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  grpc::CompletionQueue cq;
  auto call = stub_.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check",
                                     ToBuffer(HealthRequest(service)), &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, nullptr);
  Await(cq);
  if (!status.ok()) return FromGrpcStatus(status);
  // HealthCheckResponse { status = 1 (SERVING) }: bytes 08 01.
  return FromBuffer(response) == std::string("\x08\x01", 2);
}

absl::StatusOr<std::string> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  grpc::ByteBuffer response;
  grpc::Status status;
  call->StartCall(nullptr);
  bool ok = Await(cq);
  // ServerReflectionRequest { list_services = "*" } (field 7).
  if (ok) call->Write(ToBuffer(std::string("\x3a\x01*", 3)), nullptr);
  if (ok) ok = Await(cq);
  if (ok) call->WritesDone(nullptr);
  if (ok) ok = Await(cq);
  if (ok) call->Read(&response, nullptr);
  if (ok) ok = Await(cq);
  call->Finish(&status, nullptr);
  Await(cq);
  if (!status.ok()) return FromGrpcStatus(status);
  if (!ok) return absl::UnavailableError("reflection stream ended without a response");
  return FromBuffer(response);
}

}  // namespace ledger::services

#include "ledger/witness/witness_http.h"

#include <sys/socket.h>

#include <httplib.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/witness/add_checkpoint.h"

namespace ledger::witness {

namespace {

void Reply(httplib::Response& res, const WitnessResponse& r) {
  res.status = r.status;
  res.set_content(r.body, r.content_type.c_str());
}

void Refuse(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(message + "\n", "text/plain; charset=utf-8");
}

}  // namespace

void RouteWitness(httplib::Server& server, Witness* witness, std::ostream* refusals) {
  server.set_payload_max_length(kMaxAddCheckpointBytes);
  // The body is read here, not by httplib into req.body: httplib would cap
  // a body sent as application/x-www-form-urlencoded (curl -d's and many
  // clients' default) at 8 KiB and parse it as a form, and would not cap a
  // chunked one at all. tlog-witness names no request Content-Type, so every
  // type is read alike, up to kMaxAddCheckpointBytes.
  server.Post("/add-checkpoint",
              [witness, refusals](const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& read) {
                if (req.is_multipart_form_data()) {
                  Refuse(res, 415, "send the add-checkpoint body itself (C2SP tlog-witness), "
                                   "not a multipart form");
                  // The form is left unread (draining it would read a chunked
                  // form without limit), so the connection cannot carry a
                  // next request: its first bytes would be the form's.
                  res.set_header("Connection", "close");
                  return;
                }
                std::string body;
                bool too_large = false;
                const bool whole = read([&](const char* data, size_t size) {
                  if (size > kMaxAddCheckpointBytes - body.size()) {
                    too_large = true;
                    return false;
                  }
                  body.append(data, size);
                  return true;
                });
                if (too_large) res.status = 413;  // then the error handler says why
                if (!whole) return;  // httplib set the status: 413 by Content-Length, or 400
                const WitnessResponse r = witness->AddCheckpoint(body);
                if (r.status != 200 && refusals != nullptr) {
                  *refusals << "add-checkpoint: " << r.status << " " << r.body << std::flush;
                }
                Reply(res, r);
              });
  server.Get("/add-checkpoint", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", "POST");
    Refuse(res, 405, "add-checkpoint takes a POST (C2SP tlog-witness)");
  });
  server.Get(R"(/([0-9a-f]{64})/checkpoint)",
             [witness](const httplib::Request& req, httplib::Response& res) {
               Reply(res, witness->LatestCheckpoint(req.matches[1].str()));
             });
  // httplib answers 413 itself to a body above the limit; say why.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 413) {
      Refuse(res, 413, absl::StrCat("an add-checkpoint body is at most ",
                                    kMaxAddCheckpointBytes, " bytes"));
    } else if (res.status == 400 && res.body.empty()) {
      Refuse(res, 400, "the request body could not be read: a broken chunked encoding, or "
                       "fewer bytes than its Content-Length");
    } else if (res.status == 404 && res.body.empty()) {
      Refuse(res, 404, "this witness serves POST /add-checkpoint and GET /<hex SHA-256 of a "
                       "log's origin>/checkpoint");
    }
  });
}

absl::StatusOr<std::unique_ptr<WitnessHttpServer>> WitnessHttpServer::Start(
    Witness* witness, const std::string& host, int port, std::ostream* refusals) {
  auto server = std::make_unique<httplib::Server>();
  RouteWitness(*server, witness, refusals);
  // As services/http's servers: answers leave without Nagle's delay, and
  // without SO_REUSEPORT (cpp-httplib's default) a taken port is an error
  // instead of a silently shared one.
  server->set_tcp_nodelay(true);
  server->set_socket_options([](int sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const int bound = port == 0 ? server->bind_to_any_port(host)
                              : (server->bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", host, ":", port,
        ": the port is taken or the host is not an address of this machine"));
  }
  std::unique_ptr<WitnessHttpServer> served(
      new WitnessHttpServer(std::move(server), host, bound));
  httplib::Server* raw = served->server_.get();
  std::atomic<bool>* returned = &served->listen_returned_;
  served->thread_ = std::thread([raw, returned] {
    raw->listen_after_bind();
    *returned = true;
  });
  // The socket is bound and listening already (connections queue); wait for
  // the accept loop so that Stop, which does nothing before it runs, works.
  while (!raw->is_running() && !*returned) std::this_thread::yield();
  if (!raw->is_running()) {
    served->thread_.join();
    return absl::UnavailableError(absl::StrCat("serving on ", served->url(), " failed"));
  }
  return served;
}

WitnessHttpServer::WitnessHttpServer(std::unique_ptr<httplib::Server> server, std::string host,
                                     int port)
    : server_(std::move(server)), host_(std::move(host)), port_(port) {}

WitnessHttpServer::~WitnessHttpServer() { Stop(); }

std::string WitnessHttpServer::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return absl::StrCat("http://", v6 ? "[" : "", host_, v6 ? "]" : "", ":", port_);
}

void WitnessHttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace ledger::witness

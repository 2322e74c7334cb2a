#include "services/http/http_server.h"

#include <httplib.h>

#include <charconv>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/tiles/tile_files.h"
#include "services/address.h"
#include "services/auth.h"
#include "services/http/live_site.h"

namespace ledger::services::http {

namespace {

// Threads answering requests. cpp-httplib holds one per open connection
// (keep-alive included), so this bounds the clients served at once.
constexpr size_t kThreads = 64;
// Requests one kept-alive connection may carry (nginx's default).
constexpr size_t kKeepAliveRequests = 1000;

struct HostPort {
  std::string host;
  int port = 0;
};

absl::StatusOr<HostPort> ParseListen(const std::string& listen) {
  const auto bad = [&listen](const char* why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http \"", listen, "\" ", why, ": give host:port, e.g. 127.0.0.1:8080 or [::1]:0"));
  };
  HostPort result;
  std::string_view port;
  if (listen.starts_with('[')) {
    const size_t close = listen.find(']');
    if (close == std::string::npos || listen.size() < close + 2 || listen[close + 1] != ':') {
      return bad("is not [host]:port");
    }
    result.host = listen.substr(1, close - 1);
    port = std::string_view(listen).substr(close + 2);
  } else {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return bad("has no port");
    result.host = listen.substr(0, colon);
    port = std::string_view(listen).substr(colon + 1);
  }
  if (result.host.empty()) return bad("has no host");
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), result.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || result.port < 0 ||
      result.port > 65535) {
    return bad("has no port number from 0 to 65535");
  }
  return result;
}

void Reply(const FileHandler& handler, const httplib::Request& req, httplib::Response& res) {
  HttpResponse answer = handler.Answer(
      {.method = req.method, .path = req.path,
       .authorization = req.get_header_value("Authorization"),
       .accept_encoding = req.get_header_value("Accept-Encoding")});
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) res.set_header(name, value);
  if (!answer.content_type.empty()) {
    res.set_content(std::move(answer.body), answer.content_type.c_str());
  }
}

}  // namespace

void ConfigureServerSockets(httplib::Server& server) {
  server.set_tcp_nodelay(true);
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second
  // server bind a port that one already listens on and silently share its
  // connections; a taken port must be an error instead.
  server.set_socket_options([](int sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
}

std::vector<std::unique_ptr<publication::FileSource>> LedgerFileSources(
    const CompactLedger& ledger, std::optional<witness::Policy> witnesses) {
  std::vector<std::unique_ptr<publication::FileSource>> sources;
  sources.push_back(std::make_unique<tiles::TileFiles>(ledger.log()));
  sources.push_back(std::make_unique<LiveSite>(ledger, std::move(witnesses)));
  return sources;
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpOptions& options, std::vector<std::unique_ptr<publication::FileSource>> sources) {
  LEDGER_ASSIGN_OR_RETURN(HostPort where, ParseListen(options.listen));
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "give both --tls-cert and --tls-key for HTTPS, or neither for plaintext on loopback");
  }
  const bool tls = !options.tls_cert_file.empty();
  const bool loopback = IsLoopbackAddress(options.listen);
  if (!tls && !loopback) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http ", options.listen, " is not a loopback address: plaintext HTTP is served only "
        "on loopback; give --tls-cert and --tls-key, or put a TLS proxy (nginx) in front of a "
        "loopback address"));
  }
  AccessPolicy access;
  if (!options.access_file.empty()) {
    LEDGER_ASSIGN_OR_RETURN(access, AccessPolicy::Load(options.access_file));
  }
  auto server = std::unique_ptr<HttpServer>(new HttpServer());
  server->host_ = where.host;
  server->tls_ = tls;
  server->handler_ = std::make_unique<FileHandler>(std::move(sources), std::move(access));
  if (tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                                    options.tls_key_file.c_str());
    if (!ssl->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot load the TLS certificate ", options.tls_cert_file, " and key ",
          options.tls_key_file, " for HTTPS: give PEM files of a matching pair"));
    }
    server->server_ = std::move(ssl);
  } else {
    server->server_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *server->server_;
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  http.set_keep_alive_max_count(kKeepAliveRequests);
  ConfigureServerSockets(http);
  const FileHandler* handler = server->handler_.get();
  http.set_pre_routing_handler([handler](const httplib::Request& req, httplib::Response& res) {
    Reply(*handler, req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  // Errors cpp-httplib answers itself (a malformed request line, an unknown
  // method, a request too large) get a body saying so; ours keep theirs.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(absl::StrCat("HTTP ", res.status, ": the request was refused before it "
                                 "was read; this server answers GET and HEAD of published "
                                 "files\n"),
                    "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  }));
  server->port_ = where.port == 0 ? http.bind_to_any_port(where.host)
                                  : (http.bind_to_port(where.host, where.port) ? where.port : -1);
  if (server->port_ < 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for HTTP on ", options.listen,
        ": the port is taken or the host is not an address of this machine"));
  }
  HttpServer* self = server.get();
  server->listener_ = std::thread([self, &http] {
    http.listen_after_bind();
    self->listener_done_ = true;
  });
  std::ostream& log = *options.log;
  if (!tls) log << "HTTP without TLS: plaintext, on loopback only" << std::endl;
  if (options.access_file.empty()) {
    log << "HTTP reads are open to anyone who reaches " << options.listen
        << "; give --tokens to require a bearer token" << std::endl;
  }
  return server;
}

HttpServer::~HttpServer() { Shutdown(); }

std::string HttpServer::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return absl::StrCat(tls_ ? "https://" : "http://", v6 ? "[" : "", host_, v6 ? "]" : "", ":",
                      port_);
}

void HttpServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr && listener_.joinable()) {
    // cpp-httplib's stop() does nothing before its accept loop runs: let
    // the listener reach it (or fail) first. It does within microseconds.
    while (!server_->is_running() && !listener_done_) std::this_thread::yield();
    server_->stop();
  }
  if (listener_.joinable()) listener_.join();
}

}  // namespace ledger::services::http

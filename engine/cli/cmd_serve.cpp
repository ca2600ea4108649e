// `amorce serve FILE`: the what-if page on http://127.0.0.1:PORT/. The HTTP layer is Debian's
// cpp-httplib (found by CMake; without it the command says how to get it); the requests are
// answered by amorce::WhatIfServer (serve.hpp), which has no socket and is tested alone.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "amorce/report.hpp"
#include "amorce/serve.hpp"
#include "commands.hpp"

#ifdef AMORCE_HAVE_HTTPLIB
#include <httplib.h>
#endif

namespace amorce::cli {

Command add_serve_command(CLI::App& app) {
  struct Opts {
    std::string file, seed;
    int port = 8765;
    long long paths = 0;
    int threads = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("serve", "What-if page: a local web page where every change re-runs the study (same seed)");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  sub->add_option("--port", o->port, "port on 127.0.0.1 (default 8765; 0 picks a free port)")->check(CLI::Range(0, 65535));
  sub->add_option("--paths", o->paths, "paths per run (default: as many as keep a change under 150 ms, measured at start)")
      ->check(CLI::Range(1LL, ServeLimits::max_paths));
  sub->add_option("--seed", o->seed, "random seed (default: the scenario's simulation.seed)")->check(seed_validator());
  sub->add_option("--threads", o->threads, "worker threads (default: all cores)")->check(CLI::Range(0, 256));
  return {sub, [o]() -> int {
#ifndef AMORCE_HAVE_HTTPLIB
            (void)o;
            std::cerr << "error: this amorce was built without the what-if server: install cpp-httplib (Debian: "
                         "libcpp-httplib-dev, see scripts/install-deps.sh), re-run cmake and rebuild\n";
            return 1;
#else
            if (!check_report_assets()) return 1;
            // SIGINT / SIGTERM are taken by sigwait below, never by a worker thread: block them
            // before any thread starts (the pilot runs start some)
            sigset_t stop_signals;
            sigemptyset(&stop_signals);
            sigaddset(&stop_signals, SIGINT);
            sigaddset(&stop_signals, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
            std::signal(SIGPIPE, SIG_IGN);  // a browser closing its socket is not a reason to die

            ServeOptions so;
            so.scenario_path = o->file;
            so.paths = o->paths;
            if (!o->seed.empty()) so.seed = parse_seed(o->seed);
            so.threads = o->threads;
            WhatIfServer server(so);  // a bad scenario: exit 2 with file:line:column, as every command

            httplib::Server http;
            http.set_payload_max_length(ServeLimits::max_body_bytes + 1);  // the handler answers 413 in JSON
            // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let a second server share a
            // port that is in use instead of refusing it
            http.set_socket_options([](socket_t sock) {
              int yes = 1;
              setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
            });
            http.set_read_timeout(10, 0);
            http.set_write_timeout(30, 0);
            auto answer = [&server](const httplib::Request& req, httplib::Response& res) {
              HttpRequest r{req.method, req.path, req.get_header_value("Host"), req.get_header_value("Origin"),
                            req.get_header_value("Content-Type"), req.body};
              HttpResponse a = server.handle(r);
              res.status = a.status;
              res.set_header("Cache-Control", "no-store");
              res.set_header("X-Content-Type-Options", "nosniff");
              res.set_header("Referrer-Policy", "no-referrer");
              if (a.content_type.rfind("text/html", 0) == 0)
                res.set_header("Content-Security-Policy",
                               "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
                               "img-src data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
              res.set_content(a.body, a.content_type.c_str());
            };
            http.Get(".*", answer);
            http.Post(".*", answer);
            // httplib's own refusals (too large a body, unknown method...) in JSON too
            http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
              if (res.body.empty())
                res.set_content(res.status == 413 ? fmt::format("{{\"error\": \"request body too large (at most {} bytes)\"}}",
                                                                ServeLimits::max_body_bytes)
                                                    : fmt::format("{{\"error\": \"HTTP status {}\"}}", res.status),
                                "application/json; charset=utf-8");
            });
            int port = o->port;
            if (port == 0) port = http.bind_to_any_port("127.0.0.1");
            else if (!http.bind_to_port("127.0.0.1", port)) port = -1;
            if (port <= 0)
              throw std::invalid_argument(fmt::format("--port {}: cannot listen on 127.0.0.1:{} (in use? try --port 0)", o->port, o->port));
            server.set_port(port);
            const long long paths = server.calibrate();
            std::atomic<bool> listener_done{false};
            std::thread listener([&http, &listener_done] {
              http.listen_after_bind();
              listener_done = true;
              kill(getpid(), SIGTERM);  // the listener ended by itself: wake the main thread
            });
            // the URL is printed once the server accepts connections (a test waits for it), and
            // stop() below only works on a running server
            while (!http.is_running() && !listener_done) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            std::cout << fmt::format("amorce serve: http://127.0.0.1:{}/  ({}; Ctrl-C to stop)\n", port, o->file)
                      << fmt::format("  {} paths per run{} (pilot: {:.1f} ms per 1 000 paths + {:.1f} ms)\n", paths,
                                     o->paths > 0 ? " (--paths)" : " for a change under 150 ms", server.pilot_ms_per_1000(),
                                     server.pilot_fixed_ms())
                      << std::flush;
            int sig = 0;
            sigwait(&stop_signals, &sig);
            std::cerr << "amorce serve: stopping\n";
            server.shutdown();  // cancels a run in progress at its next block
            http.stop();
            listener.join();
            return 0;
#endif
          }};
}

}  // namespace amorce::cli

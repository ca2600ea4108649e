#pragma once
/// `amorce serve`: the what-if page's server logic, without sockets (docs/what-if.md). The CLI
/// (engine/cli/cmd_serve.cpp) binds cpp-httplib to 127.0.0.1 and hands every request to
/// WhatIfServer::handle, which checks the Host and Origin headers (no DNS rebinding), the body
/// size and JSON, and answers:
///   GET  /               the page (HTML, CSS, JavaScript and the vega bundles inline)
///   GET  /api/scenario   the scenario's name, text, variants and controls
///   POST /api/controls   {variant, text?}            -> the controls of that variant
///   POST /api/validate   {text}                      -> {ok, errors: [{file, line, column, message, text}]}
///   POST /api/run        {variant?, changes?, text?, paths?, tornado?} -> the five answers and charts
///   POST /api/variants   {name, variant?, changes}   -> appends a variant to NAME.variants.yaml
/// A run uses the scenario's seed (common random numbers: a difference is the change's effect);
/// a newer run request cancels the one in progress (latest wins, answered 409 "superseded").
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace amorce {

struct ServeOptions {
  std::string scenario_path;
  long long paths = 0;                  ///< 0: chosen by pilot runs (calibrate) to meet target_ms
  std::optional<std::uint64_t> seed;    ///< default: the scenario's simulation.seed
  int threads = 0;                      ///< 0: all cores
  double target_ms = 150;               ///< change -> redraw budget the path count is chosen for
};

/// What the API accepts: bodies, paths and path-months (paths x horizon) are bounded.
struct ServeLimits {
  static constexpr std::size_t max_body_bytes = (4u << 20) + (64u << 10);  ///< a scenario text (4 MiB) and JSON around it
  static constexpr long long max_paths = 200'000;
  static constexpr double max_path_months = 100'000.0 * 120;  ///< 100 k paths over 10 years
  static constexpr std::size_t max_changes = 10'000;
};

struct HttpRequest {
  std::string method, path;          ///< "GET", "/api/run" (no query string)
  std::string host, origin;          ///< headers ("" when absent)
  std::string content_type, body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
};

class WhatIfServer {
 public:
  /// Loads and compiles the scenario (throws ScenarioError like every command).
  explicit WhatIfServer(ServeOptions options);
  ~WhatIfServer();
  WhatIfServer(const WhatIfServer&) = delete;
  WhatIfServer& operator=(const WhatIfServer&) = delete;

  /// Pilot runs: the paths that keep a run, its tornado and its JSON under the budget (leaving
  /// room for the browser's redraw), between 1 000 and 100 000; the given --paths otherwise.
  long long calibrate();
  long long paths() const;
  /// Milliseconds per 1 000 paths and fixed cost measured by calibrate (0 before).
  double pilot_ms_per_1000() const;
  double pilot_fixed_ms() const;

  /// The port the server listens on: Host must be 127.0.0.1:PORT or localhost:PORT, and an
  /// Origin header, when sent, http://127.0.0.1:PORT or http://localhost:PORT.
  void set_port(int port);

  /// Thread-safe; never throws.
  HttpResponse handle(const HttpRequest& request);

  /// True while a run request is simulating (it holds the run slot).
  bool running() const;

  /// Cancels the run in progress and refuses later ones (Ctrl-C).
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The page (HTML with the CSS, the JavaScript and the vega bundles inline); "" when the charting
/// library is not part of this build (report_assets_available says why).
std::string what_if_page();

}  // namespace amorce

// amorce._core: the private pybind11 extension behind the `amorce` Python package.
//
// Scenario -> Plan -> run, with numpy arrays out. Arrays over a Result are read-only views
// on the engine's buffers (no copy; they keep the Result alive). The GIL is released while
// loading, compiling and simulating. Engine errors become Python exceptions:
// ScenarioError (ValueError, with file/line/column/message and every diagnostic) and
// SimulationError (RuntimeError, with item/month/path).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"

// Drivers developed alongside the bindings: exposed when their headers are present.
#if __has_include("amorce/sensitivity.hpp")
#include "amorce/metric.hpp"
#include "amorce/metrics_run.hpp"
#include "amorce/sensitivity.hpp"
#include "amorce/sensitivity_over_time.hpp"
#define AMORCE_PY_SENSITIVITY 1
#endif

#include "amorce/compare.hpp"
#include "amorce/solve.hpp"
#include "amorce/stress.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

// ---------------------------------------------------------------------------------------
// JSON -> Python (NaN -> None, exactly as the CLI's JSON prints it: `null`)
// ---------------------------------------------------------------------------------------

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return py::none();
    case nlohmann::json::value_t::boolean: return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: {
      double v = j.get<double>();
      if (!std::isfinite(v)) return py::none();  // nlohmann::json dumps NaN/inf as null
      return py::float_(v);
    }
    case nlohmann::json::value_t::string: return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list l;
      for (const auto& x : j) l.append(to_python(x));
      return l;
    }
    case nlohmann::json::value_t::object: {
      py::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[py::str(it.key())] = to_python(it.value());
      return d;
    }
    default: return py::none();
  }
}

/// A JSON array of numbers (null = NaN) as a float64 array.
py::array_t<double> to_array(const nlohmann::json& j) {
  py::array_t<double> a(static_cast<py::ssize_t>(j.size()));
  double* p = a.mutable_data();
  for (const auto& x : j) *p++ = x.is_number() ? x.get<double>() : std::nan("");
  return a;
}

py::array_t<double> to_array(const std::vector<double>& v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

/// A read-only view on engine memory owned by `base` (kept alive by the array).
py::array_t<double> view(const double* data, std::vector<py::ssize_t> shape, py::handle base) {
  py::array_t<double> a(shape, data, base);
  a.attr("setflags")("write"_a = false);
  return a;
}

// ---------------------------------------------------------------------------------------
// Exceptions
// ---------------------------------------------------------------------------------------

PyObject* g_scenario_error = nullptr;    // amorce.ScenarioError(ValueError)
PyObject* g_simulation_error = nullptr;  // amorce.SimulationError(RuntimeError)

/// One problem of a scenario, as carried by ScenarioError.diagnostics.
struct PyDiagnostic {
  std::string file;
  int line = 0, column = 0;
  std::string message;
  std::string str() const { return amorce::format_pos(amorce::SourcePos{file, line, column}) + message; }
};

void raise_scenario_error(const amorce::ScenarioError& e) {
  py::object exc = py::reinterpret_borrow<py::object>(g_scenario_error)(py::str(std::string(e.what())));
  py::list diags;
  for (const auto& d : e.diagnostics())
    diags.append(py::cast(PyDiagnostic{d.pos.file, d.pos.line, d.pos.column, d.message}));
  exc.attr("diagnostics") = diags;
  if (!e.diagnostics().empty()) {
    const auto& d = e.diagnostics().front();
    exc.attr("file") = d.pos.file;
    exc.attr("line") = d.pos.line;
    exc.attr("column") = d.pos.column;
    exc.attr("message") = d.message;
  } else {
    exc.attr("message") = e.what();
  }
  PyErr_SetObject(g_scenario_error, exc.ptr());
}

void raise_simulation_error(const amorce::DomainError& e) {
  py::object exc = py::reinterpret_borrow<py::object>(g_simulation_error)(py::str(e.what()));
  exc.attr("message") = e.what();
  exc.attr("item") = e.item();
  exc.attr("month") = e.month();
  exc.attr("path") = e.path();
  PyErr_SetObject(g_simulation_error, exc.ptr());
}

PyObject* make_exception(py::module_& m, const char* name, PyObject* base, const char* doc,
                         const std::vector<std::pair<const char*, py::object>>& defaults) {
  std::string qualified = std::string("amorce.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (!type) throw py::error_already_set();
  py::handle h(type);
  for (const auto& [k, v] : defaults) h.attr(k) = v;
  m.add_object(name, py::reinterpret_borrow<py::object>(h));  // the module keeps a reference too
  return type;  // one reference deliberately kept for the translator (lives as long as the process)
}

// ---------------------------------------------------------------------------------------
// Scenario
// ---------------------------------------------------------------------------------------

/// Where a scenario came from, so that variant() can reload it.
struct Source {
  bool is_file = true;
  std::string path_or_text;
  std::string name;  ///< file name used in messages (text sources)
};

struct PyScenario {
  std::shared_ptr<const Source> source;
  std::string variant;
  std::vector<std::pair<std::string, std::string>> overrides;  ///< input name, expression text
  std::shared_ptr<const amorce::Scenario> scenario;
  std::shared_ptr<const amorce::Plan> plan;
};

void apply_override(amorce::Scenario& sc, const std::string& name, const std::string& text) {
  auto it = std::find_if(sc.inputs.begin(), sc.inputs.end(), [&](const amorce::Input& in) { return in.name == name; });
  if (it == sc.inputs.end()) {
    std::vector<std::string> names;
    for (const auto& in : sc.inputs) names.push_back(in.name);
    std::string hint = amorce::did_you_mean(name, names);
    throw amorce::ScenarioError(amorce::SourcePos{sc.file, 0, 0},
                                "with_inputs: unknown input '" + name + "'" +
                                    (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  it->fixed = amorce::Expr{text, it->pos};
  it->dist.reset();
  it->each_month = false;
  // A fixed input has no uncertainty left to correlate.
  std::erase_if(sc.correlations, [&](const amorce::Correlation& c) { return c.a == name || c.b == name; });
}

/// Loads (or reloads) a scenario and applies the input overrides; touches no Python object,
/// so it may run without the GIL.
amorce::Scenario load_source(const Source& src, const std::string& variant,
                             const std::vector<std::pair<std::string, std::string>>& overrides) {
  amorce::Scenario sc = src.is_file ? amorce::load_scenario(src.path_or_text, variant)
                                    : amorce::load_scenario_text(src.path_or_text, src.name, variant);
  for (const auto& [name, text] : overrides) apply_override(sc, name, text);
  return sc;
}

/// Loads (or reloads) a scenario, applies the input overrides and compiles it.
PyScenario build(std::shared_ptr<const Source> src, std::string variant,
                 std::vector<std::pair<std::string, std::string>> overrides) {
  PyScenario s;
  {
    py::gil_scoped_release nogil;
    amorce::Scenario sc = load_source(*src, variant, overrides);
    auto plan = std::make_shared<const amorce::Plan>(amorce::compile(sc));
    s.scenario = std::make_shared<const amorce::Scenario>(std::move(sc));
    s.plan = std::move(plan);
  }
  s.source = std::move(src);
  s.variant = std::move(variant);
  s.overrides = std::move(overrides);
  return s;
}

/// An explicit variant must name one: "" would silently mean "no variant".
std::string variant_arg(const std::optional<std::string>& variant) {
  if (variant && variant->empty()) throw py::value_error("variant must be a non-empty name (or None for no variant)");
  return variant.value_or("");
}

PyScenario load(const std::filesystem::path& path, const std::optional<std::string>& variant) {
  if (path.empty()) throw py::value_error("load: empty path");
  auto src = std::make_shared<Source>(Source{true, path.string(), path.string()});
  return build(std::move(src), variant_arg(variant), {});
}

PyScenario loads(const std::string& text, const std::string& name, const std::optional<std::string>& variant) {
  // the name prefixes every message: a control character (NUL...) would garble or cut them
  if (name.empty() || std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    throw py::value_error("loads: name must be a non-empty file name without control characters (NUL, newline...), got " +
                          py::repr(py::str(name)).cast<std::string>());
  auto src = std::make_shared<Source>(Source{false, text, name});
  return build(std::move(src), variant_arg(variant), {});
}

/// Expression text of a with_inputs() value: a number, or an expression string.
std::string override_text(const std::string& name, const py::handle& v) {
  if (py::isinstance<py::bool_>(v))
    throw py::type_error("with_inputs: '" + name + "' must be a number or an expression string, not a bool");
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  double x;
  try {
    x = py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>();
  } catch (const py::error_already_set&) {
    throw py::type_error("with_inputs: '" + name + "' must be a number or an expression string, got " +
                         std::string(py::str(py::type::of(v).attr("__name__"))));
  }
  if (!std::isfinite(x)) throw py::value_error("with_inputs: '" + name + "' must be finite");
  return py::repr(py::float_(x)).cast<std::string>();  // shortest round-trip text, e.g. 42.0, 1e-05
}

const char* sampling_name(amorce::Sampling s) {
  return s == amorce::Sampling::mc ? "mc" : s == amorce::Sampling::lhs ? "lhs" : "sobol";
}

amorce::Sampling parse_sampling(const std::string& s) {
  if (s == "mc") return amorce::Sampling::mc;
  if (s == "lhs") return amorce::Sampling::lhs;
  if (s == "sobol") return amorce::Sampling::sobol;
  throw py::value_error("sampling must be 'mc', 'lhs' or 'sobol', not '" + s + "'");
}

std::vector<std::string> month_labels(const amorce::Plan& plan) {
  std::vector<std::string> out;
  for (int m = 0; m < plan.horizon; ++m) out.push_back(amorce::month_label(plan, m));
  return out;
}

// ---------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------

struct PyResult {
  std::shared_ptr<const amorce::Plan> plan;
  amorce::RunResult r;
};

/// Monthly bands of one series: [percentile][month] plus mean and sd.
struct PyBands {
  std::string name;
  std::vector<std::string> months;
  std::vector<double> percentiles;
  py::array_t<double> values, mean, sd;
  double rank_error_bound = 0;
};

std::vector<double> requested_percentiles(const PyResult& r, const std::optional<std::vector<double>>& quantiles,
                                          const std::optional<std::vector<double>>& percentiles) {
  if (quantiles && percentiles) throw py::value_error("give quantiles= (fractions) or percentiles=, not both");
  if (!quantiles && !percentiles) return r.plan->outputs.quantiles;
  std::vector<double> out;
  for (double q : quantiles ? *quantiles : *percentiles) {
    const double p = quantiles ? 100.0 * q : q;
    if (!(p > 0 && p < 100))
      throw py::value_error(quantiles ? "quantile " + std::string(py::repr(py::float_(q))) +
                                            " is not strictly between 0 and 1 (a fraction: 0.9 for P90; or use percentiles=)"
                                      : "percentile " + std::string(py::repr(py::float_(q))) + " is not strictly between 0 and 100");
    out.push_back(p);
  }
  if (out.empty()) throw py::value_error("no quantile requested");
  return out;
}

int indicator_index(const std::string& name) {
  std::vector<std::string> names;
  for (int k = 0; k < amorce::kIndicatorCount; ++k) {
    names.push_back(amorce::indicator_name(static_cast<amorce::Indicator>(k)));
    if (names.back() == name) return k;
  }
  std::string hint = amorce::did_you_mean(name, names);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  throw py::value_error("unknown indicator '" + name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                        " (indicators: " + all + ")");
}

/// Validates the arguments shared by every run-like method (paths given or defaulted).
void check_run_args(long long paths, const std::optional<long long>& seed, int threads) {
  if (paths < 1 || paths > amorce::Limits::max_paths)
    throw py::value_error("paths must be between 1 and " + std::to_string(amorce::Limits::max_paths));
  if (seed && *seed < 0) throw py::value_error("seed must be between 0 and 2**63 - 1");
  if (threads < 0) throw py::value_error("threads must be >= 0 (0 = all cores)");
}

PyResult run(const PyScenario& s, std::optional<long long> paths, std::optional<long long> seed, int threads,
             std::optional<std::string> sampling, bool keep_paths, bool keep_inputs) {
  const amorce::Plan& plan = *s.plan;
  amorce::RunOptions ro;
  ro.paths = paths.value_or(plan.simulation.paths);
  check_run_args(ro.paths, seed, threads);
  ro.seed = seed ? static_cast<std::uint64_t>(*seed) : plan.simulation.seed;
  ro.threads = threads;
  ro.sampling = sampling ? parse_sampling(*sampling) : plan.simulation.sampling;
  ro.keep_paths = keep_paths;
  ro.keep_inputs = keep_inputs;
  ro.progress = false;
  PyResult out;
  out.plan = s.plan;
  {
    py::gil_scoped_release nogil;
    out.r = amorce::run_monte_carlo(plan, ro);
  }
  return out;
}

py::dict check(const PyScenario& s) {
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    amorce::BaseCase bc = amorce::run_base_case(*s.plan);
    j = amorce::base_case_json(bc);
  }
  py::dict d = to_python(j);
  py::dict monthly;
  for (auto it = j["monthly"].begin(); it != j["monthly"].end(); ++it) monthly[py::str(it.key())] = to_array(it.value());
  d["monthly"] = monthly;
  return d;
}

#ifdef AMORCE_PY_SENSITIVITY
py::object sensitivity(const PyScenario& s, const std::string& metric, const std::string& method,
                       std::optional<long long> paths, std::optional<long long> seed, int threads,
                       std::optional<std::string> sampling,
                       const std::map<std::string, std::vector<std::string>>& groups, double low, double high,
                       int bootstrap, double level, int trajectories, int levels) {
  const amorce::Plan& plan = *s.plan;
  amorce::SensitivityOptions so;
  if (method == "tornado") so.method = amorce::SensitivityMethod::tornado;
  else if (method == "correlation") so.method = amorce::SensitivityMethod::correlation;
  else if (method == "sobol") so.method = amorce::SensitivityMethod::sobol;
  else if (method == "morris") so.method = amorce::SensitivityMethod::morris;
  else throw py::value_error("method must be 'tornado', 'correlation', 'sobol' or 'morris', not '" + method + "'");
  check_run_args(paths.value_or(1), seed, threads);  // None = the method's own default
  so.paths = paths.value_or(0);
  so.seed = seed ? static_cast<std::uint64_t>(*seed) : plan.simulation.seed;
  so.threads = threads;
  so.sampling = sampling ? parse_sampling(*sampling) : plan.simulation.sampling;
  for (const auto& [name, members] : groups) so.groups.emplace_back(name, members);
  so.low = low;
  so.high = high;
  so.bootstrap = bootstrap;
  so.level = level;
  so.trajectories = trajectories;
  so.levels = levels;
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    amorce::Metric m = amorce::parse_metric(metric, plan);
    j = amorce::sensitivity_json(amorce::run_sensitivity(plan, m, so));
  }
  return to_python(j);
}

/// months x factors float64 array (NaN where the JSON has null).
py::array_t<double> month_matrix(const amorce::SensitivityOverTime& r, const std::vector<double>& v) {
  const auto M = static_cast<py::ssize_t>(r.month_count()), F = static_cast<py::ssize_t>(r.factor_count());
  py::array_t<double> a({M, F});
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

py::object sensitivity_over_time(const PyScenario& s, const std::string& metric, const std::string& method,
                                 std::optional<long long> paths, std::optional<long long> seed, int threads,
                                 std::optional<std::string> sampling,
                                 const std::map<std::string, std::vector<std::string>>& groups, int bootstrap, double level) {
  const amorce::Plan& plan = *s.plan;
  amorce::SensitivityOptions so;
  if (method == "sobol") so.method = amorce::SensitivityMethod::sobol;
  else if (method == "correlation") so.method = amorce::SensitivityMethod::correlation;
  else throw py::value_error("method must be 'sobol' or 'correlation' (a share of variance per month), not '" + method + "'");
  check_run_args(paths.value_or(1), seed, threads);
  so.paths = paths.value_or(0);
  so.seed = seed ? static_cast<std::uint64_t>(*seed) : plan.simulation.seed;
  so.threads = threads;
  so.sampling = sampling ? parse_sampling(*sampling) : plan.simulation.sampling;
  for (const auto& [name, members] : groups) so.groups.emplace_back(name, members);
  so.bootstrap = bootstrap;
  so.level = level;
  amorce::SensitivityOverTime r;
  {
    py::gil_scoped_release nogil;
    r = amorce::run_sensitivity_over_time(plan, metric, so);
  }
  py::dict d;
  d["scenario"] = r.scenario;
  d["method"] = r.method;
  d["metric"] = r.metric;
  d["n"] = r.n;
  d["model_runs"] = r.model_runs;
  d["months"] = py::module_::import("numpy").attr("array")(r.months, "datetime64[M]");
  d["factors"] = r.factors;
  d["inputs"] = r.members;
  d["mean"] = to_array(r.mean);
  d["variance"] = to_array(r.variance);
  if (r.method == "sobol") {
    d["first_order"] = month_matrix(r, r.first_order);
    d["first_order_lo"] = month_matrix(r, r.first_lo);
    d["first_order_hi"] = month_matrix(r, r.first_hi);
    d["total"] = month_matrix(r, r.total);
    d["total_lo"] = month_matrix(r, r.total_lo);
    d["total_hi"] = month_matrix(r, r.total_hi);
    d["sum_first_order"] = to_array(r.sum_first_order);
  } else {
    d["spearman"] = month_matrix(r, r.spearman);
    d["srrc"] = month_matrix(r, r.srrc);
    d["r2"] = to_array(r.r2);
  }
  d["warnings"] = r.warnings;
  d["notes"] = r.notes;
  return d;
}
#endif

/// Comparison options: the first scenario's simulation defaults overridden by the arguments.
amorce::CompareOptions compare_options(const amorce::Plan& plan, std::optional<long long> paths,
                                       std::optional<long long> seed, int threads,
                                       const std::optional<std::string>& sampling) {
  check_run_args(paths.value_or(plan.simulation.paths), seed, threads);
  amorce::CompareOptions co;
  co.paths = paths.value_or(plan.simulation.paths);
  co.seed = seed ? static_cast<std::uint64_t>(*seed) : plan.simulation.seed;
  co.threads = threads;
  co.sampling = sampling ? parse_sampling(*sampling) : plan.simulation.sampling;
  return co;
}

py::object stress(const PyScenario& s, std::optional<long long> paths, std::optional<long long> seed, int threads,
                  std::optional<std::string> sampling, bool variants) {
  amorce::CompareOptions co = compare_options(*s.plan, paths, seed, threads, sampling);
  std::function<amorce::Scenario(const std::string&)> loader;
  if (variants)
    loader = [src = s.source, ov = s.overrides](const std::string& v) { return load_source(*src, v, ov); };
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    j = amorce::comparison_json(amorce::run_stress_tests(*s.scenario, amorce::standard_stresses(*s.scenario, loader), co));
  }
  j["scenario"] = s.scenario->name;
  return to_python(j);
}

py::object metrics(const PyScenario& s, const std::vector<std::string>& names, std::optional<long long> paths,
                   std::optional<long long> seed, int threads, std::optional<std::string> sampling) {
  amorce::CompareOptions co = compare_options(*s.plan, paths, seed, threads, sampling);
  if (names.empty()) throw std::invalid_argument("metrics: give at least one metric, e.g. ['shortfall', 'min_cash']");
  amorce::RunOptions ro;
  ro.paths = co.paths;
  ro.seed = co.seed;
  ro.threads = co.threads;
  ro.sampling = co.sampling;
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    j = amorce::metrics_json(*s.plan, amorce::run_metrics(*s.plan, names, ro));
  }
  return to_python(j);
}

py::object solve(const PyScenario& s, const std::string& vary, const std::string& target, std::optional<double> min,
                 std::optional<double> max, bool maximise, double tolerance, std::optional<long long> paths,
                 std::optional<long long> seed, int threads, std::optional<std::string> sampling) {
  amorce::CompareOptions co = compare_options(*s.plan, paths, seed, threads, sampling);
  amorce::SolveOptions so;
  so.input = vary;
  so.target = target;
  so.min = min;
  so.max = max;
  so.maximise = maximise;
  so.tolerance = tolerance;
  so.paths = co.paths;
  so.seed = co.seed;
  so.threads = co.threads;
  so.sampling = co.sampling;
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    j = amorce::solve_json(amorce::solve_input(*s.scenario, so));
  }
  return to_python(j);
}

py::object compare(const std::vector<PyScenario>& scenarios, std::optional<std::vector<std::string>> labels,
                   std::optional<long long> paths, std::optional<long long> seed, int threads,
                   std::optional<std::string> sampling) {
  if (scenarios.empty()) throw py::value_error("compare needs at least one scenario");
  if (labels && labels->size() != scenarios.size()) throw py::value_error("labels must have one entry per scenario");
  std::vector<amorce::Candidate> cands;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const PyScenario& s = scenarios[i];
    amorce::Candidate c;
    c.label = labels ? (*labels)[i] : s.scenario->name + (s.variant.empty() ? "" : ":" + s.variant);
    c.description = s.scenario->name + (s.variant.empty() ? "" : " (" + s.variant + ")");
    c.plan = *s.plan;
    cands.push_back(std::move(c));
  }
  amorce::CompareOptions co = compare_options(cands.front().plan, paths, seed, threads, sampling);
  nlohmann::json j;
  {
    py::gil_scoped_release nogil;
    j = amorce::comparison_json(amorce::compare_plans(cands, co));
  }
  return to_python(j);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() =
      "Private extension of the `amorce` package (import `amorce`, not `amorce._core`).\n\n"
      "Monte Carlo cash and P&L projections of social-economy projects from YAML scenarios.";
  m.attr("__version__") = AMORCE_VERSION;
  // Optional drivers compiled into this build (tests and the package check it).
  py::list features;
#ifdef AMORCE_PY_SENSITIVITY
  features.append("sensitivity");
#endif
  m.attr("_features") = py::tuple(features);

  // --- exceptions ------------------------------------------------------------------------
  g_scenario_error = make_exception(
      m, "ScenarioError", PyExc_ValueError,
      "Invalid scenario (syntax, types, unknown names, cycles, limits).\n\n"
      "str(e) lists every problem as `file:line:column: message`. Attributes: `file`, `line`,\n"
      "`column` and `message` of the first problem (line/column 0 when unknown), and\n"
      "`diagnostics`, the list of every problem (amorce.Diagnostic).",
      {{"file", py::str("")}, {"line", py::int_(0)}, {"column", py::int_(0)}, {"message", py::str("")},
       {"diagnostics", py::tuple()}});
  g_simulation_error = make_exception(
      m, "SimulationError", PyExc_RuntimeError,
      "A value that cannot be computed while simulating (division by zero, log of a non-positive\n"
      "number, NaN or infinity reaching an item). Attributes: `message`, `item`, `month`\n"
      "(0-based) and `path` (0-based path index).",
      {{"message", py::str("")}, {"item", py::str("")}, {"month", py::int_(0)}, {"path", py::int_(0)}});
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const amorce::ScenarioError& e) {
      raise_scenario_error(e);
    } catch (const amorce::DomainError& e) {
      raise_simulation_error(e);
    }
  });

  py::class_<PyDiagnostic>(m, "Diagnostic", "One problem found in a scenario, with its source position.")
      .def_readonly("file", &PyDiagnostic::file, "File name (or the `name` given to loads()).")
      .def_readonly("line", &PyDiagnostic::line, "1-based line, 0 when unknown.")
      .def_readonly("column", &PyDiagnostic::column, "1-based column, 0 when unknown.")
      .def_readonly("message", &PyDiagnostic::message, "The problem, without the position.")
      .def("__str__", &PyDiagnostic::str)
      .def("__repr__", [](const PyDiagnostic& d) {
        return "<amorce.Diagnostic " + std::string(py::repr(py::str(d.str()))) + ">";
      });

  // --- scenarios ---------------------------------------------------------------------------
  py::class_<PyScenario>(m, "Scenario",
                         "A validated and compiled scenario. Immutable: variant() and with_inputs() return\n"
                         "new scenarios. Create with amorce.load(), amorce.loads() or amorce.from_dict().")
      .def_property_readonly("name", [](const PyScenario& s) { return s.scenario->name; }, "The scenario's `name`.")
      .def_property_readonly("description", [](const PyScenario& s) { return s.scenario->description; },
                             "The scenario's `description` (may be empty).")
      .def_property_readonly("file", [](const PyScenario& s) { return s.scenario->file; },
                             "The file it was loaded from (or the name given to loads()/from_dict()).")
      .def_property_readonly("horizon", [](const PyScenario& s) { return s.plan->horizon; }, "Months simulated.")
      .def_property_readonly("start", [](const PyScenario& s) { return amorce::month_label(*s.plan, 0); },
                             "Calendar month of month 0, e.g. '2027-01'.")
      .def_property_readonly("months", [](const PyScenario& s) { return month_labels(*s.plan); },
                             "Labels of the simulated months: ['2027-01', ...].")
      .def_property_readonly("inputs", [](const PyScenario& s) {
            std::vector<std::string> v;
            for (const auto& in : s.scenario->inputs) v.push_back(in.name);
            return v;
          },
          "Names of the inputs, in file order.")
      .def_property_readonly("uncertain_inputs", [](const PyScenario& s) {
            std::vector<std::string> v;
            for (const auto& in : s.scenario->inputs)
              if (in.dist) v.push_back(in.name);
            return v;
          },
          "Names of the inputs drawn from a distribution, in file order.")
      .def_property_readonly("variants", [](const PyScenario& s) { return s.scenario->variant_names; },
                             "Names of the variants declared in the file.")
      .def_property_readonly("applied_variant",
                             [](const PyScenario& s) -> std::optional<std::string> {
                               if (s.variant.empty()) return std::nullopt;
                               return s.variant;
                             },
                             "The variant applied, or None.")
      .def_property_readonly("overrides",
                             [](const PyScenario& s) {
                               py::dict d;
                               for (const auto& [k, v] : s.overrides) d[py::str(k)] = v;
                               return d;
                             },
                             "Inputs replaced by with_inputs(): {name: expression text}.")
      .def_property_readonly("simulation",
                             [](const PyScenario& s) {
                               const auto& sim = s.plan->simulation;
                               return py::dict("paths"_a = sim.paths, "seed"_a = sim.seed,
                                               "sampling"_a = sampling_name(sim.sampling));
                             },
                             "The scenario's simulation defaults: {'paths', 'seed', 'sampling'}.")
      .def_property_readonly("percentiles", [](const PyScenario& s) { return s.plan->outputs.quantiles; },
                             "Percentiles reported (outputs.quantiles), e.g. [5, 10, 25, 50, 75, 90, 95].")
      .def(
          "variant",
          [](const PyScenario& s, const std::string& name) { return build(s.source, variant_arg(name), s.overrides); },
          "name"_a,
          "The same scenario with variant `name` applied (instead of the current one, if any);\n"
          "inputs replaced by with_inputs() stay replaced. Raises ScenarioError for an unknown\n"
          "variant.")
      .def(
          "with_inputs",
          [](const PyScenario& s, const py::kwargs& values) {
            auto overrides = s.overrides;
            auto sc = std::make_shared<amorce::Scenario>(*s.scenario);
            for (auto [k, v] : values) {
              std::string name = k.cast<std::string>();
              std::string text = override_text(name, v);
              std::erase_if(overrides, [&](const auto& o) { return o.first == name; });
              overrides.emplace_back(name, text);
            }
            PyScenario out;
            {
              py::gil_scoped_release nogil;
              for (const auto& [name, text] : overrides) apply_override(*sc, name, text);
              out.plan = std::make_shared<const amorce::Plan>(amorce::compile(*sc));
            }
            out.scenario = std::move(sc);
            out.source = s.source;
            out.variant = s.variant;
            out.overrides = std::move(overrides);
            return out;
          },
          "A copy where each named input is fixed at the given value: a number, or an expression\n"
          "string of earlier inputs (e.g. with_inputs(hourly_rate=32.0, parts_markup='0.1')).\n"
          "Correlations involving those inputs are dropped. An unknown name raises ScenarioError\n"
          "(with a did-you-mean suggestion).")
      .def("check", &check,
           "The base case (every input at its base value), as `amorce check --format json` prints it:\n"
           "{'scenario', 'months', 'monthly', 'years', 'indicators', 'checks'}, except that\n"
           "'monthly' maps every line ('cash', 'revenue', 'item:NAME', ...) to a float64 numpy\n"
           "array of `horizon` values (NaN where the JSON has null).")
      .def("run", &run, "paths"_a = py::none(), "seed"_a = py::none(), "threads"_a = 0, "sampling"_a = py::none(),
           "keep_paths"_a = false, "keep_inputs"_a = false,
           "Monte Carlo run. `paths`, `seed` and `sampling` ('mc', 'lhs' or 'sobol') default to the\n"
           "scenario's `simulation` section; `threads` = 0 uses every core (results do not depend on\n"
           "it). `keep_paths` keeps every path's monthly cash for Result.paths('cash') (memory grows\n"
           "with paths x months); `keep_inputs` keeps every path's sampled inputs for\n"
           "Result.inputs(). The GIL is released while simulating.")
#ifdef AMORCE_PY_SENSITIVITY
      .def("sensitivity", &sensitivity, "metric"_a = "prob(shortfall)", "method"_a = "tornado",
           "paths"_a = py::none(), "seed"_a = py::none(), "threads"_a = 0, "sampling"_a = py::none(),
           "groups"_a = std::map<std::string, std::vector<std::string>>{}, "low"_a = 10.0, "high"_a = 90.0,
           "bootstrap"_a = 500, "level"_a = 0.95, "trajectories"_a = 20, "levels"_a = 4,
           "Which uncertain input drives a metric: the data of `amorce sensitivity FILE --format json`.\n\n"
           "`metric`: an indicator ('min_cash', 'funding_need'...), a figure 'net_result[2028]', a monthly\n"
           "value 'cash@35', 'sum(revenue)', or a statistic 'prob(shortfall)', 'mean(npv)',\n"
           "'quantile(breakeven_month, 0.8)'. `method`: 'tornado' (one at a time, low/high percentiles),\n"
           "'correlation' (Spearman and SRRC), 'sobol' (first-order and total indices with bootstrap\n"
           "intervals at `level`) or 'morris' (elementary effects; `trajectories`, `levels`).\n"
           "`groups` = {name: [inputs]} moves inputs together as one factor. `paths`: Monte Carlo\n"
           "paths, Saltelli base rows (sobol) or model runs (morris); None = the method's default.\n"
           "Returns the dict of the CLI JSON (factors sorted by importance, largest first). The GIL is released.")
      .def("sensitivity_over_time", &sensitivity_over_time, "metric"_a = "cash", "method"_a = "sobol",
           "paths"_a = py::none(), "seed"_a = py::none(), "threads"_a = 0, "sampling"_a = py::none(),
           "groups"_a = std::map<std::string, std::vector<std::string>>{}, "bootstrap"_a = 500, "level"_a = 0.95,
           "What drives a monthly line, month by month: `amorce sensitivity --over-time` as numpy arrays.\n\n"
           "`metric`: a monthly line or series name ('cash', 'revenue', a series). `method`: 'sobol'\n"
           "(first-order and total indices per month, one pick-freeze design for every month; `paths` =\n"
           "Saltelli base rows, `groups` = {name: [inputs]} drawn jointly with their correlations) or\n"
           "'correlation' (Spearman and SRRC per month from one Monte Carlo run of `paths` paths).\n"
           "Returns a dict: 'months' (numpy datetime64[M], one per month), 'factors' (names, columns),\n"
           "'inputs' (members of each factor), 'mean' and 'variance' (per month) and, as float64 arrays\n"
           "of shape (months, factors) with NaN where a month does not vary: 'first_order', 'total'\n"
           "and their '_lo' / '_hi' bootstrap bounds at `level`, plus 'sum_first_order' (sobol), or\n"
           "'spearman', 'srrc' and 'r2' per month (correlation); 'warnings', 'notes', 'n', 'model_runs'.\n"
           "The GIL is released.")
#endif
      .def("stress", &stress, "paths"_a = py::none(), "seed"_a = py::none(), "threads"_a = 0,
           "sampling"_a = py::none(), "variants"_a = true,
           "The standard funder stresses against the base: the data of `amorce stress FILE --format json`.\n\n"
           "Subsidies paid 3, 6 and 12 months later, yearly subsidies not renewed after year 1, 2, 3,\n"
           "earned revenue -20 %, ramp-up twice as slow, and (with `variants`) the scenario's own\n"
           "variants; every row with P(shortfall), funding need P90, breakeven P50 and the paired\n"
           "change against the base (common random numbers). The GIL is released.")
      .def("metrics", &metrics, "metrics"_a, "paths"_a = py::none(), "seed"_a = py::none(), "threads"_a = 0,
           "sampling"_a = py::none(),
           "Only these metrics, each with its Monte Carlo standard error: the data of\n"
           "`amorce run FILE --metrics ... --format json` ({'scenario', 'run', 'metrics': [{'metric',\n"
           "'value', 'se', 'n'}]}). A metrics-only run skips the summary's statistics, so it is the\n"
           "fast form for scripts; values equal those of a full run with the same seed. The GIL is released.")
      .def("solve", &solve, "vary"_a, "target"_a, "min"_a = py::none(), "max"_a = py::none(),
           "maximise"_a = false, "tolerance"_a = 0.0, "paths"_a = py::none(), "seed"_a = py::none(),
           "threads"_a = 0, "sampling"_a = py::none(),
           "Smallest (largest with `maximise`) value of the fixed input `vary` (or 'opening_cash')\n"
           "meeting `target`, e.g. 'prob(shortfall) <= 0.1', with common random numbers: the data of\n"
           "`amorce solve FILE --vary ... --target ... --format json` ('found' is False when no value\n"
           "in the range meets the target). The GIL is released.")
      .def("__repr__", [](const PyScenario& s) {
        std::string r = "<amorce.Scenario " + std::string(py::repr(py::str(s.scenario->name))) + ", " +
                        std::to_string(s.plan->horizon) + " months from " + amorce::month_label(*s.plan, 0);
        if (!s.variant.empty()) r += ", variant " + s.variant;
        if (!s.overrides.empty()) r += ", " + std::to_string(s.overrides.size()) + " inputs fixed";
        return r + ">";
      });

  m.def("compare", &compare, "scenarios"_a, "labels"_a = py::none(), "paths"_a = py::none(), "seed"_a = py::none(),
        "threads"_a = 0, "sampling"_a = py::none(),
        "Key indicators of several scenarios side by side with their paired differences against the\n"
        "first (common random numbers): the data of `amorce compare A.yaml B.yaml --format json`.\n"
        "`paths`, `seed` and `sampling` default to the first scenario's. The GIL is released.");
  m.def("load", &load, "path"_a, "variant"_a = py::none(),
        "Loads a YAML scenario file (resolving `extends`), applies `variant` if given, validates and\n"
        "compiles it. Raises ScenarioError listing every problem with file:line:column.");
  m.def("loads", &loads, "text"_a, "name"_a = "<string>", "variant"_a = py::none(),
        "Same as load() from YAML text; `name` is used in messages and to resolve relative `extends`.");

  // --- results -----------------------------------------------------------------------------
  py::class_<PyBands>(m, "SeriesBands",
                      "Monthly percentile bands of a series across paths (per-month marginals, not\n"
                      "trajectories): `values[i, m]` is percentile `percentiles[i]` of month `months[m]`.")
      .def_readonly("name", &PyBands::name, "Series name ('cash', 'revenue', ...).")
      .def_readonly("months", &PyBands::months, "Month labels ['2027-01', ...].")
      .def_readonly("percentiles", &PyBands::percentiles, "Percentiles of the rows of `values`.")
      .def_readonly("values", &PyBands::values, "float64 array [percentile][month].")
      .def_readonly("mean", &PyBands::mean, "float64 array [month]: mean across paths.")
      .def_readonly("sd", &PyBands::sd, "float64 array [month]: standard deviation across paths.")
      .def_readonly("rank_error_bound", &PyBands::rank_error_bound,
                    "Worst-case rank error of the quantile sketch (a fraction of the paths; 0 when exact).")
      .def(
          "quantile",
          [](const PyBands& b, double p) {
            for (std::size_t i = 0; i < b.percentiles.size(); ++i)
              if (b.percentiles[i] == p) {
                const auto H = static_cast<std::size_t>(b.values.shape(1));
                const double* row = b.values.data(static_cast<py::ssize_t>(i), 0);
                return to_array(std::vector<double>(row, row + H));
              }
            throw py::value_error("percentile " + std::string(py::repr(py::float_(p))) + " not reported; available: " +
                                  std::string(py::repr(py::cast(b.percentiles))));
          },
          "p"_a, "The row of `values` for percentile `p` (one of `percentiles`), per month.")
      .def("__repr__", [](const PyBands& b) {
        return "<amorce.SeriesBands '" + b.name + "', " + std::to_string(b.percentiles.size()) + " percentiles x " +
               std::to_string(b.months.size()) + " months>";
      });

  py::class_<PyResult, std::shared_ptr<PyResult>>(
      m, "Result",
      "A Monte Carlo run. Per-path arrays are read-only float64 views in path order (no copy);\n"
      "they keep the Result alive.")
      .def(
          "summary", [](const PyResult& r) { return to_python(amorce::run_summary_json(*r.plan, r.r)); },
          "The run summary: exactly the data of `amorce run FILE --format json` for the same\n"
          "scenario, paths, seed and sampling (json.loads of the CLI output). Schema in\n"
          "docs/json-schema.md.")
      .def_property_readonly("indicators",
                             [](const PyResult&) {
                               std::vector<std::string> v;
                               for (int k = 0; k < amorce::kIndicatorCount; ++k)
                                 v.push_back(amorce::indicator_name(static_cast<amorce::Indicator>(k)));
                               return v;
                             },
                             "Names of the per-path indicators (min_cash, funding_need, breakeven_month...).")
      .def(
          "indicator",
          [](const PyResult& r, const std::string& name) {
            int k = indicator_index(name);
            py::handle self = py::cast(&r, py::return_value_policy::reference);
            return view(r.r.indicator(static_cast<amorce::Indicator>(k)), {static_cast<py::ssize_t>(r.r.paths())},
                        self);
          },
          "name"_a,
          "Per-path values of an indicator, float64 array [path]; NaN where it does not exist on a\n"
          "path (e.g. breakeven never reached within the horizon).")
      .def_property_readonly("series_names", [](const PyResult& r) { return r.r.series_names; },
                             "Series with monthly bands: cash, revenue, subsidies, ebitda, net_result, then\n"
                             "outputs.series.")
      .def(
          "series",
          [](const PyResult& r, const std::string& name, std::optional<std::vector<double>> quantiles,
             std::optional<std::vector<double>> percentiles) {
            const auto& names = r.r.series_names;
            auto it = std::find(names.begin(), names.end(), name);
            if (it == names.end()) {
              std::string hint = amorce::did_you_mean(name, names), all;
              for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
              throw py::value_error("no monthly bands for '" + name + "'" +
                                    (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (series: " + all +
                                    "; add names to outputs.series)");
            }
            const auto& sb = r.r.series[static_cast<std::size_t>(it - names.begin())];
            PyBands b;
            b.name = name;
            b.months = month_labels(*r.plan);
            b.percentiles = requested_percentiles(r, quantiles, percentiles);
            auto q = sb.quantiles(b.percentiles);
            const auto H = static_cast<py::ssize_t>(r.plan->horizon);
            b.values = py::array_t<double>({static_cast<py::ssize_t>(q.size()), H});
            for (std::size_t i = 0; i < q.size(); ++i)
              std::copy(q[i].begin(), q[i].end(), b.values.mutable_data(static_cast<py::ssize_t>(i), 0));
            b.mean = to_array(sb.mean());
            b.sd = to_array(sb.sd());
            b.rank_error_bound = sb.rank_error_bound();
            return b;
          },
          "name"_a, "quantiles"_a = py::none(), "percentiles"_a = py::none(),
          "Monthly percentile bands of a series (see series_names) as a SeriesBands: at the run's\n"
          "percentiles, or at `quantiles` (fractions in (0, 1), e.g. [0.01, 0.5, 0.99]) or\n"
          "`percentiles` (in (0, 100)). Any level is read from the same per-month quantile sketch\n"
          "(worst-case rank error: SeriesBands.rank_error_bound).")
      .def(
          "indicator_quantile",
          [](const PyResult& r, const std::string& name, py::object q) -> py::object {
            const int k = indicator_index(name);
            const bool scalar = py::isinstance<py::float_>(q) || py::isinstance<py::int_>(q);
            std::vector<double> qs = scalar ? std::vector<double>{q.cast<double>()} : q.cast<std::vector<double>>();
            for (double p : qs)
              if (!(p >= 0 && p <= 1))
                throw py::value_error("quantile " + std::string(py::repr(py::float_(p))) +
                                      " is not in [0, 1] (a fraction: 0.9 for P90)");
            const auto id = static_cast<amorce::Indicator>(k);
            const std::size_t N = static_cast<std::size_t>(r.r.paths());
            // exact, over all paths; "never" (NaN) ranked last as the CLI does: NaN when the
            // quantile falls there
            std::vector<double> v(r.r.indicator(id), r.r.indicator(id) + N);
            for (auto& e : v)
              if (std::isnan(e)) e = INFINITY;
            std::sort(v.begin(), v.end());
            std::vector<double> out;
            for (double p : qs) {
              const double x = amorce::quantile_sorted(v.data(), N, p);
              out.push_back(std::isfinite(x) ? x : std::nan(""));
            }
            if (scalar) return py::float_(out[0]);
            return to_array(out);
          },
          "name"_a, "q"_a,
          "Exact quantile(s) of a per-path indicator (type 7, numpy's default) at `q` (a fraction or\n"
          "a list of fractions); for censored indicators (breakeven never reached) the missing\n"
          "paths rank last and a quantile falling among them is NaN, as in the JSON summary.")
      .def_property_readonly("input_names", [](const PyResult& r) { return r.plan->uniform_names; },
                             "Names of the per-path sampled inputs (columns of inputs()), sorted by name.")
      .def(
          "inputs",
          [](const PyResult& r) {
            if (r.r.kept_inputs.empty() && !r.plan->uniform_names.empty())
              throw py::value_error("sampled inputs were not kept: run with keep_inputs=True");
            py::handle self = py::cast(&r, py::return_value_policy::reference);
            const auto N = static_cast<py::ssize_t>(r.r.paths());
            const auto K = static_cast<py::ssize_t>(r.plan->uniform_names.size());
            // [path][input] view on the engine's [input][path] columns (no copy)
            py::array_t<double> a({N, K}, {static_cast<py::ssize_t>(sizeof(double)), N * static_cast<py::ssize_t>(sizeof(double))},
                                  r.r.kept_inputs.empty() ? nullptr : r.r.kept_inputs.data(), self);
            a.attr("setflags")("write"_a = false);
            return a;
          },
          "Per-path sampled inputs, float64 array [path][input] (columns: input_names), the values\n"
          "every path used (only when run with keep_inputs=True; `each: month` inputs are not\n"
          "kept). Result.inputs_frame() gives a pandas DataFrame.")
      .def_property_readonly("keep_inputs", [](const PyResult& r) { return r.r.options.keep_inputs; },
                             "Whether per-path inputs were kept.")
      .def(
          "paths",
          [](const PyResult& r, const std::string& name) {
            if (name != "cash")
              throw py::value_error("raw paths are kept for 'cash' only, not '" + name + "'");
            if (r.r.kept_cash.empty())
              throw py::value_error("raw paths were not kept: run with keep_paths=True");
            py::handle self = py::cast(&r, py::return_value_policy::reference);
            return view(r.r.kept_cash.data(), {static_cast<py::ssize_t>(r.r.paths()), r.plan->horizon}, self);
          },
          "name"_a = "cash",
          "Raw monthly paths, float64 array [path][month] (only 'cash', only when run with\n"
          "keep_paths=True; ValueError otherwise).")
      .def_property_readonly("months", [](const PyResult& r) { return month_labels(*r.plan); },
                             "Month labels ['2027-01', ...].")
      .def_property_readonly("percentiles", [](const PyResult& r) { return r.plan->outputs.quantiles; },
                             "Percentiles reported in bands and summaries.")
      .def_property_readonly("n_paths", [](const PyResult& r) { return r.r.paths(); }, "Number of paths.")
      .def_property_readonly("seed", [](const PyResult& r) { return r.r.options.seed; }, "Random seed used.")
      .def_property_readonly("sampling", [](const PyResult& r) { return sampling_name(r.r.options.sampling); },
                             "Sampling method used: 'mc', 'lhs' or 'sobol'.")
      .def_property_readonly("keep_paths", [](const PyResult& r) { return r.r.options.keep_paths; },
                             "Whether raw cash paths were kept.")
      .def_property_readonly("threads_used", [](const PyResult& r) { return r.r.threads_used; },
                             "Worker threads used (results do not depend on it).")
      .def_property_readonly("block_size", [](const PyResult& r) { return r.r.block_size; },
                             "Paths simulated together in a block.")
      .def_property_readonly("seconds", [](const PyResult& r) { return r.r.seconds; }, "Wall time of the run.")
      .def("__repr__", [](const PyResult& r) {
        return "<amorce.Result '" + r.plan->name + "', " + std::to_string(r.r.paths()) + " paths, seed " +
               std::to_string(r.r.options.seed) + ", " + sampling_name(r.r.options.sampling) + ">";
      });
}

// Portfolio files (docs/portfolio.md): YAML to a validated PortfolioSpec. Every problem of
// the file is collected and thrown once (ScenarioError, file:line:column); unknown keys get a
// did-you-mean suggestion. The shocks use the scenario format's input syntax and are parsed
// by the scenario loader itself (same laws, same messages, same positions).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <optional>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/portfolio.hpp"

namespace amorce {

namespace {

std::string join_keys(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& k : v) s += (s.empty() ? "" : ", ") + k;
  return s;
}

class PortfolioReader {
 public:
  PortfolioReader(std::string file, DiagnosticSink& sink) : file_(std::move(file)), sink_(sink) {}

  SourcePos pos(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return {file_, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
  }
  void err(const SourcePos& p, std::string msg) { sink_.error(p, std::move(msg)); }

  /// Map keys, checked against `allowed` (did-you-mean) and for duplicates.
  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& ctx) {
    std::vector<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        err(pos(it->first), "duplicate key '" + key + "'" + (ctx.empty() ? "" : " in " + ctx));
      seen.push_back(key);
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      const std::string hint = did_you_mean(key, allowed);
      err(pos(it->first), "unknown key '" + key + "'" + (ctx.empty() ? "" : " in " + ctx) +
                              (hint.empty() ? "; valid keys: " + join_keys(allowed) : "; did you mean '" + hint + "'?"));
    }
  }

  std::optional<double> number(const YAML::Node& n, const std::string& what, double lo, double hi) {
    if (!n.IsScalar()) {
      err(pos(n), what + ": expected a number");
      return std::nullopt;
    }
    std::string t;
    for (char c : n.Scalar())
      if (c != '_') t += c;
    char* end = nullptr;
    errno = 0;
    const double v = t.empty() ? NAN : std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) ||
        std::any_of(t.begin(), t.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) && c != 'e' && c != 'E'; })) {
      err(pos(n), what + ": expected a number, got '" + n.Scalar() + "'");
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      err(pos(n), what + " is " + n.Scalar() + ", expected a number between " + fmt_num(lo) + " and " + fmt_num(hi));
      return std::nullopt;
    }
    return v;
  }

  static std::string fmt_num(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
  }

  std::optional<std::string> text(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar() || n.Scalar().empty()) {
      err(pos(n), what + ": expected a non-empty text");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<std::uint64_t> seed(const YAML::Node& n, const std::string& what) {
    std::string digits;
    if (n.IsScalar())
      for (char c : n.Scalar())
        if (c != '_') digits += c;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size()) {
      err(pos(n), what + ": expected a whole number between 0 and 2^64-1");
      return std::nullopt;
    }
    return v;
  }

  /// A project name: printable, without control characters, at most 64 characters.
  bool valid_project_name(const std::string& s) {
    if (s.empty() || s.size() > Limits::max_name_length) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
  }

 private:
  std::string file_;
  DiagnosticSink& sink_;
};

/// The `shocks:` block is read by the scenario loader: every other line of the file is
/// blanked (so lines and columns are the portfolio file's), `shocks` becomes `inputs` (same
/// length) and the header a scenario needs is appended after the last line.
std::vector<Input> parse_shocks(const std::string& text, const std::string& file, int first_line, int last_line,
                                int column) {
  std::istringstream in(text);
  std::string line, out;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (no < first_line || no >= last_line) {
      out += "\n";
      continue;
    }
    if (no == first_line) line.replace(static_cast<std::size_t>(column - 1), 6, "inputs");
    out += line + "\n";
  }
  out += "amorce: 1\nname: shocks\nstart: 2027-01\nhorizon: 1\n";
  Scenario sc = load_scenario_text(out, file);
  // shocks may name other shocks only: compiled alone, any other name is an error here
  (void)compile(sc);
  return sc.inputs;
}

}  // namespace

PortfolioSpec load_portfolio_text(const std::string& yaml_text, const std::string& file_name) {
  DiagnosticSink sink;
  PortfolioReader rd(file_name, sink);
  PortfolioSpec spec;
  spec.file = file_name;
  YAML::Node parsed;
  try {
    parsed = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(SourcePos{file_name, e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg);
  }
  const YAML::Node root = parsed;  // const: reading a missing key never inserts it
  const SourcePos top{file_name, 1, 1};
  if (!root.IsMap()) throw ScenarioError(top, "a portfolio file is a mapping (amorce: 1, portfolio: ..., projects: ...)");
  rd.check_keys(root, {"amorce", "portfolio", "description", "simulation", "shocks", "factor", "projects", "pairs"}, "");
  if (YAML::Node v = root["amorce"]) {
    if (!v.IsScalar() || v.Scalar() != "1") rd.err(rd.pos(v), "amorce (format version): expected 1");
  } else {
    rd.err(top, "missing 'amorce: 1' (the format version) at the top of the portfolio");
  }
  if (YAML::Node n = root["portfolio"]) {
    if (auto t = rd.text(n, "portfolio (its name)")) spec.name = *t;
  } else {
    rd.err(top, "missing 'portfolio' (the portfolio's name, e.g. portfolio: Réseau Occitanie)");
  }
  if (YAML::Node n = root["description"]) spec.description = n.IsScalar() ? n.Scalar() : "";
  if (YAML::Node n = root["pairs"])
    if (auto v = rd.number(n, "pairs", 0, PortfolioLimits::max_pairs)) {
      if (*v != std::floor(*v)) rd.err(rd.pos(n), "pairs: expected a whole number");
      spec.pairs = static_cast<int>(*v);
    }
  if (YAML::Node s = root["simulation"]) {
    if (!s.IsMap()) {
      rd.err(rd.pos(s), "simulation: expected a mapping (paths, seed, sampling)");
    } else {
      rd.check_keys(s, {"paths", "seed", "sampling"}, "simulation");
      if (YAML::Node p = s["paths"])
        if (auto v = rd.number(p, "simulation.paths", 1, static_cast<double>(Limits::max_paths))) {
          if (*v != std::floor(*v)) rd.err(rd.pos(p), "simulation.paths: expected a whole number");
          spec.simulation.paths = static_cast<long long>(*v);
        }
      if (YAML::Node p = s["seed"])
        if (auto v = rd.seed(p, "simulation.seed")) spec.simulation.seed = *v;
      if (YAML::Node p = s["sampling"]) {
        const std::string t = p.IsScalar() ? p.Scalar() : "";
        if (t == "mc") spec.simulation.sampling = Sampling::mc;
        else if (t == "lhs") spec.simulation.sampling = Sampling::lhs;
        else if (t == "sobol") spec.simulation.sampling = Sampling::sobol;
        else rd.err(rd.pos(p), "simulation.sampling: expected mc, lhs or sobol");
      }
    }
  }

  // ---- projects
  const YAML::Node projects = root["projects"];
  if (!projects) {
    rd.err(top, "missing 'projects' (a list of {scenario: FILE, exposure: {...}})");
  } else if (!projects.IsSequence() || projects.size() == 0) {
    rd.err(rd.pos(projects), "projects: expected a non-empty list of {scenario: FILE, ...}");
  } else if (projects.size() > PortfolioLimits::max_projects) {
    rd.err(rd.pos(projects), "projects: " + std::to_string(projects.size()) + " entries, at most " +
                                 std::to_string(PortfolioLimits::max_projects) + " are allowed");
  } else {
    const std::filesystem::path dir = std::filesystem::path(file_name).parent_path();
    for (std::size_t i = 0; i < projects.size(); ++i) {
      const YAML::Node e = projects[i];
      std::string ctx = "project " + std::to_string(i + 1);
      if (!e.IsMap()) {
        rd.err(rd.pos(e), ctx + ": expected a mapping {scenario: FILE, exposure: {...}}");
        continue;
      }
      rd.check_keys(e, {"name", "scenario", "variant", "exposure", "recovery", "bridge", "seed"}, ctx);
      PortfolioProject p;
      p.pos = rd.pos(e);
      if (YAML::Node s = e["scenario"]) {
        if (auto t = rd.text(s, ctx + ": scenario")) {
          std::filesystem::path f(*t);
          p.scenario = (f.is_absolute() || dir.empty() ? f : dir / f).lexically_normal().string();
        }
      } else {
        rd.err(p.pos, ctx + ": missing 'scenario' (the project's scenario file, relative to the portfolio file)");
      }
      if (YAML::Node s = e["name"]) {
        if (auto t = rd.text(s, ctx + ": name")) {
          p.name = *t;
          if (!rd.valid_project_name(p.name))
            rd.err(rd.pos(s), ctx + ": name '" + p.name + "': use at most 64 letters, digits, '_', '-' or '.'");
        }
      } else if (!p.scenario.empty()) {
        p.name = std::filesystem::path(p.scenario).stem().string();
      }
      if (!p.name.empty()) ctx = "project '" + p.name + "'";
      if (YAML::Node s = e["variant"])
        if (auto t = rd.text(s, ctx + ": variant")) p.variant = *t;
      if (YAML::Node s = e["recovery"])
        if (auto v = rd.number(s, ctx + ": recovery", 0, 1)) p.recovery = *v;
      if (YAML::Node s = e["bridge"])
        if (auto v = rd.number(s, ctx + ": bridge", 0, Limits::max_abs_value)) p.bridge = *v;
      if (YAML::Node s = e["seed"])
        if (auto v = rd.seed(s, ctx + ": seed")) {
          p.has_seed = true;
          p.seed = *v;
        }
      if (YAML::Node x = e["exposure"]) {
        if (!x.IsMap()) {
          rd.err(rd.pos(x), ctx + ": exposure: expected a mapping {loan, guaranteed_loan, guarantee_share, grant}");
        } else {
          rd.check_keys(x, {"loan", "guaranteed_loan", "guarantee_share", "grant"}, ctx + ": exposure");
          auto amount = [&](const char* k, double& out) {
            if (YAML::Node a = x[k])
              if (auto v = rd.number(a, ctx + ": exposure." + k, 0, Limits::max_abs_value)) out = *v;
          };
          amount("loan", p.exposure.loan);
          amount("guaranteed_loan", p.exposure.guaranteed_loan);
          amount("grant", p.exposure.grant);
          if (YAML::Node a = x["guarantee_share"])
            if (auto v = rd.number(a, ctx + ": exposure.guarantee_share", 0, 1)) p.exposure.guarantee_share = *v;
          if (x["guarantee_share"] && !x["guaranteed_loan"])
            rd.err(rd.pos(x["guarantee_share"]), ctx + ": exposure.guarantee_share needs guaranteed_loan (the bank loan guaranteed)");
          if (x["guaranteed_loan"] && !x["guarantee_share"])
            rd.err(rd.pos(x["guaranteed_loan"]), ctx + ": exposure.guaranteed_loan needs guarantee_share (the share guaranteed, 0..1)");
        }
      }
      for (const auto& q : spec.projects)
        if (!p.name.empty() && q.name == p.name)
          rd.err(p.pos, ctx + ": a second project named '" + p.name + "' (the first at line " + std::to_string(q.pos.line) +
                            "); give each a distinct `name:`");
      spec.projects.push_back(std::move(p));
    }
  }

  // ---- factor
  if (YAML::Node f = root["factor"]) {
    if (!f.IsMap()) {
      rd.err(rd.pos(f), "factor: expected a mapping {name, inputs: [{input, loading, projects}]}");
    } else {
      rd.check_keys(f, {"name", "inputs"}, "factor");
      if (YAML::Node n = f["name"])
        if (auto t = rd.text(n, "factor.name")) spec.factor_name = *t;
      const YAML::Node list = f["inputs"];
      if (!list || !list.IsSequence() || list.size() == 0) {
        rd.err(rd.pos(list ? list : f), "factor.inputs: expected a non-empty list of {input, loading, projects}");
      } else if (list.size() > PortfolioLimits::max_factor_rules) {
        rd.err(rd.pos(list), "factor.inputs: at most " + std::to_string(PortfolioLimits::max_factor_rules) + " rules");
      } else {
        for (std::size_t i = 0; i < list.size(); ++i) {
          const YAML::Node e = list[i];
          const std::string ctx = "factor.inputs[" + std::to_string(i + 1) + "]";
          if (!e.IsMap()) {
            rd.err(rd.pos(e), ctx + ": expected {input: NAME, loading: W, projects: [...]}");
            continue;
          }
          rd.check_keys(e, {"input", "loading", "projects"}, ctx);
          FactorRule r;
          r.pos = rd.pos(e);
          if (YAML::Node n = e["input"]) {
            if (auto t = rd.text(n, ctx + ": input")) r.input = *t;
          } else {
            rd.err(r.pos, ctx + ": missing 'input' (the name of an input of the projects)");
          }
          if (YAML::Node n = e["loading"]) {
            if (auto v = rd.number(n, ctx + ": loading", -1, 1)) r.loading = *v;
          } else {
            rd.err(r.pos, ctx + ": missing 'loading' (between -1 and 1: the correlation of the input with the factor)");
          }
          if (YAML::Node n = e["projects"]) {
            if (!n.IsSequence() || n.size() == 0) {
              rd.err(rd.pos(n), ctx + ": projects: expected a non-empty list of project names");
            } else {
              for (const auto& pn : n) {
                if (auto t = rd.text(pn, ctx + ": projects")) {
                  r.projects.push_back(*t);
                  r.project_pos.push_back(rd.pos(pn));
                }
              }
            }
          }
          spec.factor.push_back(std::move(r));
        }
      }
    }
  }
  // the shocks' key line and the next top-level key's (the block between them is the shocks)
  int shocks_line = 0, shocks_col = 0, next_line = 1 << 30;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const SourcePos kp = rd.pos(it->first);
    if (it->first.IsScalar() && it->first.Scalar() == "shocks") {
      shocks_line = kp.line;
      shocks_col = kp.column;
    }
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    const SourcePos kp = rd.pos(it->first);
    if (kp.line > shocks_line && kp.line < next_line) next_line = kp.line;
  }
  const YAML::Node shocks = root["shocks"];
  if (shocks && shocks_col != 1) {
    rd.err(rd.pos(shocks), "shocks: write the key at the start of a line (block style)");
  } else if (shocks && (!shocks.IsMap() || shocks.size() == 0)) {
    rd.err(rd.pos(shocks), "shocks: expected a mapping of named inputs, e.g. state_freeze: {bernoulli: 0.1}");
  } else if (shocks && shocks.size() > PortfolioLimits::max_shocks) {
    rd.err(rd.pos(shocks), "shocks: at most " + std::to_string(PortfolioLimits::max_shocks) + " shocks");
  }
  sink.throw_if_any();
  if (shocks) {
    spec.shocks = parse_shocks(yaml_text, file_name, shocks_line, next_line, shocks_col);
    for (const auto& s : spec.shocks)
      if (s.each_month)
        sink.error(s.pos, "shock '" + s.name + "': a shared shock is drawn once per path (each: month is not supported)");
  }
  // a factor rule cannot drive a shock (it is already common to every project)
  for (const auto& r : spec.factor)
    for (const auto& s : spec.shocks)
      if (r.input == s.name)
        sink.error(r.pos, "factor: '" + r.input + "' is a shared shock, already common to every project; name a project input");
  for (const auto& r : spec.factor)
    for (std::size_t k = 0; k < r.projects.size(); ++k)
      if (std::none_of(spec.projects.begin(), spec.projects.end(), [&](const PortfolioProject& p) { return p.name == r.projects[k]; })) {
        std::vector<std::string> names;
        for (const auto& p : spec.projects) names.push_back(p.name);
        const std::string hint = did_you_mean(r.projects[k], names);
        sink.error(r.project_pos[k], "factor: no project named '" + r.projects[k] + "'" +
                                         (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      }
  sink.throw_if_any();
  return spec;
}

PortfolioSpec load_portfolio(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw ScenarioError(SourcePos{path, 0, 0}, "cannot open the portfolio file (no such file)");
  if (!fs::is_regular_file(st)) throw ScenarioError(SourcePos{path, 0, 0}, "not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(SourcePos{path, 0, 0}, "cannot open the portfolio file");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > PortfolioLimits::max_file_bytes)
      throw ScenarioError(SourcePos{path, 0, 0}, "the portfolio file is larger than 4 MiB");
  }
  return load_portfolio_text(text, path);
}

}  // namespace amorce

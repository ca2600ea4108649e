#pragma once
/// Helpers shared by the benchmark suites: scenario paths, plans compiled once, peak RSS of
/// a forked child.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "amorce/plan.hpp"

namespace amorce::bench {

/// Absolute path of a file of the source tree ("scenarios/garage_solidaire_aci.yaml").
std::string source_path(const std::string& relative);

/// The bundled scenarios (scenarios/*.yaml, sorted) and the peer scenario.
std::vector<std::string> bundled_scenarios();
inline const char* kPeer = "bench/scenarios/peer.yaml";

/// Plan of a scenario file, compiled once per process.
const Plan& plan_of(const std::string& relative);

/// Plan from YAML text (not cached).
Plan plan_from_text(const std::string& yaml, const std::string& name = "bench.yaml");

/// Text of a source file.
std::string read_text(const std::string& relative);

/// Runs `fn` in a forked child and returns the child's peak resident set (bytes), or -1.
long long child_peak_rss(const std::function<void()>& fn);

}  // namespace amorce::bench

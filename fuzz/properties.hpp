#pragma once
/// The property every fuzz target checks (fuzz/*_fuzz.cpp) and tests/fuzz_regression_test
/// replays on the inputs the fuzzers ever found: an input is accepted, or rejected with the
/// project's user-error type (ScenarioError with file:line:column when the input is a file,
/// std::invalid_argument for a command-line value, DomainError for a value that cannot be
/// computed). Any other exception is a violation; crashes, hangs and sanitizer reports are
/// caught by libFuzzer and the sanitizers around the call.
#include <string>
#include <string_view>

namespace amorce::fuzz {

/// "" when the property holds for `input`, else what went wrong.
using Property = std::string (*)(std::string_view input);

/// A scenario file's bytes: loaded (and its first two variants), compiled, base case computed
/// and printed as the CLI's `check` does.
std::string scenario_property(std::string_view yaml);

/// An expression: parsed, then compiled and evaluated as a series, a fixed input and a check
/// of the fixture scenario (fuzz/fixture.yaml).
std::string expression_property(std::string_view text);

/// A metric, target or month as given on the command line, parsed against the fixture's
/// plan; a valid metric is also computed on a few paths.
std::string metric_property(std::string_view text);

/// Command-line arguments, one per line: parsed by the real `amorce` command line (every
/// subcommand and validator); the --metric, --sensitivity-metric and --target values of a
/// successful parse are then parsed against the fixture's plan. No command is run.
std::string cli_property(std::string_view lines);

/// The property of a target by name ("scenario", "expr", "metric", "cli"); nullptr if unknown.
Property property_of(std::string_view target);

}  // namespace amorce::fuzz

#pragma once
/// The workbook a project officer sends (`amorce run --out DIR` writes DIR/NAME.xlsx): the
/// base case's compte de résultat, plan de financement, bilan and monthly cash plan line by
/// line, the Monte Carlo summary with the run's percentiles, and the assumptions with their
/// laws. Written with libxlsxwriter when the build found it (CMake option AMORCE_XLSX);
/// without it the rest of amorce works and xlsx_available() says so.
#include <string>

#include "amorce/base_case.hpp"
#include "amorce/messages.hpp"
#include "amorce/plan.hpp"
#include "amorce/run.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

/// True when this build can write .xlsx files.
bool xlsx_available();

/// The bytes of the workbook. libxlsxwriter only writes to a file: the workbook is built in a
/// temporary file of `tmp_dir` (an existing directory, normally the output directory, so no
/// other file system is involved), read back and removed. `sc` adds the assumptions sheet
/// (laws as written); without it that sheet lists the sampled inputs only.
/// Throws OutputError when the file cannot be written, std::logic_error when !xlsx_available().
std::string xlsx_workbook(const std::string& tmp_dir, const Plan& plan, const RunResult& run, const BaseCase& base,
                          const Scenario* sc, Lang lang = Lang::fr);

/// NAME.xlsx for a scenario file: its stem ("garage.yaml" -> "garage.xlsx"); "amorce.xlsx" when unknown.
std::string xlsx_file_name(const Plan& plan);

}  // namespace amorce

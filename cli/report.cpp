// capsim report RUN_DIR [-o FILE]: the run directory as one self-contained HTML page.
#include <iostream>

#include "cli/commands.hpp"
#include "output/html_report.hpp"

namespace capsim::cli {

int report(const ReportOptions& o, const Common& common) {
  std::string written = output::write_html_report(o.run_dir, o.output);
  if (!common.quiet) std::cout << written << "\n";
  return kOk;
}

}  // namespace capsim::cli

// capsim report: one self-contained HTML page of a run directory (what simulate, drill and plan
// write with --out), with inline SVG charts and tables beside them. The page needs no network:
// no script, no stylesheet, font or image from anywhere else.
#pragma once

#include <string>

namespace capsim::output {

// Reads the run directory and returns the page. A missing or broken file is a
// core::InputError naming the file, the JSON pointer or CSV line, and what was expected.
std::string html_report(const std::string& run_dir);

// Writes html_report(run_dir) to `path` (default RUN_DIR/report.html); returns the path written.
std::string write_html_report(const std::string& run_dir, const std::string& path = "");

}  // namespace capsim::output

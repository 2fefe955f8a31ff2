#include "import/import.hpp"

#include <algorithm>

#include "import/assemble.hpp"
#include "import/inputs.hpp"
#include "import/topology_writer.hpp"

namespace capsim::import {

namespace {

// A config file mounted in several containers is read once per container: report each problem
// and warning once.
template <class T>
void dedupe(std::vector<T>& v) {
  std::vector<T> out;
  for (auto& x : v)
    if (std::none_of(out.begin(), out.end(), [&](const T& y) {
          return y.file == x.file && y.line == x.line && y.message == x.message;
        }))
      out.push_back(std::move(x));
  v = std::move(out);
}

}  // namespace

ImportResult import_paths(const std::vector<std::string>& paths) {
  Diagnostics diag;
  Inputs in = read_inputs(paths, diag);
  Assembly assembly = assemble(in, diag);
  ImportResult r = write_topology(in, assembly);
  r.warnings = std::move(diag.warnings);
  r.problems = std::move(diag.problems);
  dedupe(r.warnings);
  dedupe(r.problems);
  return r;
}

}  // namespace capsim::import

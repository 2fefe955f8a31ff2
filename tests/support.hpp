// Running the capsim binary from tests: from the repository root, so that paths in its messages are
// the relative ones the fixtures expect.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace capsim::testing {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Run {
  std::string out, err;
  int status;
};

inline Run run_capsim(const std::string& args) {
  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / ("capsim-test-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::string cmd = "cd '" CAPSIM_SOURCE_DIR "' && '" CAPSIM_BINARY "' " + args + " >'" +
                    (tmp / "out").string() + "' 2>'" + (tmp / "err").string() + "' </dev/null";
  int raw = std::system(cmd.c_str());
  Run r{slurp(tmp / "out"), slurp(tmp / "err"), WIFEXITED(raw) ? WEXITSTATUS(raw) : -1};
  fs::remove_all(tmp);
  return r;
}

}  // namespace capsim::testing

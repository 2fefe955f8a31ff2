// Running the capsim binary from tests: from the repository root, so that paths in its messages are
// the relative ones the fixtures expect.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

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

// Violations of `doc` against a draft-07 JSON Schema, one line each; empty when it is valid.
inline std::vector<std::string> schema_errors(const nlohmann::json& doc,
                                              const nlohmann::json& schema_json) {
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  std::vector<std::string> errors;
  if (!validator.validate(schema, target, &results)) {
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
      std::string where;
      for (const auto& c : e.context) where += c;
      errors.push_back(where + ": " + e.description);
    }
    if (errors.empty()) errors.push_back("invalid");
  }
  return errors;
}

// The same against a schema file.
inline std::vector<std::string> schema_errors(const nlohmann::json& doc,
                                              const std::filesystem::path& schema_file) {
  return schema_errors(doc, nlohmann::json::parse(slurp(schema_file)));
}

// Writes `text` to a temporary file named `name`; removed with the object.
struct TempFile {
  std::filesystem::path path;
  TempFile(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

// The element of a JSON array whose "name" is `name` (summary.json's classes and components).
inline const nlohmann::json& named(const nlohmann::json& array, const std::string& name) {
  for (const auto& item : array)
    if (item.value("name", "") == name) return item;
  throw std::runtime_error("nothing named \"" + name + "\" in " + array.dump().substr(0, 200));
}

// timeseries.csv as rows.
struct TimePoint {
  double time;
  std::string component, metric;
  double value;
};
inline std::vector<TimePoint> read_timeseries(const std::filesystem::path& csv) {
  std::vector<TimePoint> rows;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string t, component, metric, value;
    std::getline(s, t, ',');
    std::getline(s, component, ',');
    std::getline(s, metric, ',');
    std::getline(s, value, ',');
    rows.push_back({std::stod(t), component, metric, std::stod(value)});
  }
  return rows;
}

// Runs `body` in a forked child and returns what it returned. SimGrid allows one engine per
// process, so a test that builds an Engine itself runs it here, keeping the test process
// engine-free.
template <typename Body>
std::string in_child_process(Body body) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out = body();
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    out.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) out += "\n(child failed)";
  return out;
}

}  // namespace capsim::testing

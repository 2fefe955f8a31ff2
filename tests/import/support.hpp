// Helpers for the import tests: a temporary folder to write small inputs into, and lookups into
// an ImportResult.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "import/import.hpp"

namespace import_test {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

// A folder under the system's temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("capsim-import-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  fs::path write(const std::string& rel, const std::string& text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  fs::path path_;
};

// Writes the files into a fresh folder and imports the folder.
inline capsim::import::ImportResult import_files(const std::map<std::string, std::string>& files) {
  TempDir dir;
  for (const auto& [name, text] : files) dir.write(name, text);
  return capsim::import::import_paths({dir.str()});
}

inline const ojson& component(const capsim::import::ImportResult& r, const std::string& name) {
  INFO(r.topology.dump(2));
  REQUIRE(r.topology["components"].contains(name));
  return r.topology["components"][name];
}

inline std::string provenance(const capsim::import::ImportResult& r, const std::string& name,
                              const std::string& key) {
  const ojson& c = component(r, name);
  INFO(c.dump(2));
  REQUIRE(c["provenance"].contains(key));
  return c["provenance"][key].get<std::string>();
}

inline std::string problems_text(const capsim::import::ImportResult& r) {
  std::string s;
  for (const auto& p : r.problems)
    s += p.file + ":" + std::to_string(p.line) + ": " + p.message + "\n";
  return s;
}

inline std::string warnings_text(const capsim::import::ImportResult& r) {
  std::string s;
  for (const auto& w : r.warnings)
    s += w.file + ":" + std::to_string(w.line) + ": " + w.message + "\n";
  return s;
}

// The problem at file:line whose message contains every part.
inline const capsim::import::Problem* find_problem(const capsim::import::ImportResult& r,
                                                   const std::string& file, int line,
                                                   std::initializer_list<std::string> parts) {
  for (const auto& p : r.problems) {
    if (p.file != file || p.line != line) continue;
    bool all = true;
    for (const auto& part : parts) all = all && p.message.find(part) != std::string::npos;
    if (all) return &p;
  }
  return nullptr;
}

inline bool has_warning(const capsim::import::ImportResult& r,
                        std::initializer_list<std::string> parts) {
  for (const auto& w : r.warnings) {
    bool all = true;
    for (const auto& part : parts) all = all && w.message.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

// A clean import: no problems (printed when there are).
inline capsim::import::ImportResult import_ok(const std::map<std::string, std::string>& files) {
  auto r = import_files(files);
  INFO(problems_text(r));
  REQUIRE(r.problems.empty());
  return r;
}

}  // namespace import_test

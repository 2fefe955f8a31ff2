// Problems found in an input file, each tied to the file and the JSON pointer of the value at
// fault. Readers collect every problem instead of stopping at the first, so that `capsim validate`
// can show the whole list at once.
#pragma once

#include <string>
#include <vector>

namespace capsim::core {

struct Problem {
  std::string file;
  std::string pointer;  // RFC 6901 JSON pointer, "" for the whole document
  std::string message;  // "what is wrong (expected ...)"

  // "file: /json/pointer: message", the one format every command prints.
  std::string to_string() const;
};

class Diagnostics {
 public:
  void add(std::string file, std::string pointer, std::string message);
  bool ok() const { return problems_.empty(); }
  const std::vector<Problem>& problems() const { return problems_; }
  void append(const Diagnostics& other);

 private:
  std::vector<Problem> problems_;
};

// Thrown at the edge when an input cannot be used; carries every problem found.
class InputError : public std::exception {
 public:
  explicit InputError(Diagnostics d);
  const Diagnostics& diagnostics() const { return diagnostics_; }
  const char* what() const noexcept override { return summary_.c_str(); }

 private:
  Diagnostics diagnostics_;
  std::string summary_;
};

// The closest candidate to `word` by edit distance, or "" if none is close enough to suggest.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace capsim::core

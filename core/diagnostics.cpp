#include "core/diagnostics.hpp"

#include <algorithm>
#include <cctype>

namespace capsim::core {

std::string Problem::to_string() const {
  return file + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " + message;
}

void Diagnostics::add(std::string file, std::string pointer, std::string message) {
  problems_.push_back({std::move(file), std::move(pointer), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  problems_.insert(problems_.end(), other.problems_.begin(), other.problems_.end());
}

InputError::InputError(Diagnostics d) : diagnostics_(std::move(d)) {
  for (const auto& p : diagnostics_.problems()) {
    if (!summary_.empty()) summary_ += '\n';
    summary_ += p.to_string();
  }
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  // Suggest only when at most a third of the word differs, as a typo would (DuckDB does likewise).
  std::size_t best = word.size() / 3 + 1;
  std::string found;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best) {
      best = d;
      found = c;
    }
  }
  return found;
}

}  // namespace capsim::core

// Small string helpers shared by the readers.
#pragma once

#include <string>
#include <vector>

namespace capsim::import {

std::string lower(std::string s);
std::string upper(std::string s);
std::string trim(const std::string& s);
bool starts_with(const std::string& s, const std::string& prefix);
bool ends_with(const std::string& s, const std::string& suffix);
bool contains(const std::string& s, const std::string& part);
// Words separated by blanks.
std::vector<std::string> split_words(const std::string& s);
// Splits a command line as a POSIX shell would for plain words, '...' and "..." (no expansions).
std::vector<std::string> shell_split(const std::string& s);
// Joins with a separator.
std::string join(const std::vector<std::string>& parts, const std::string& sep);
// A component name for capsim: lower case, every character other than a-z, 0-9 and '_' becomes
// '_' (Kubernetes names use '-', capsim's bundled topologies '_': "data-service" ->
// "data_service").
std::string component_name(const std::string& name);
// "api-2" -> "api", "redis_node_3" -> "redis_node", "cache-0" -> "cache": a trailing instance
// number (after '-' or '_') removed; the name itself when there is none.
std::string without_instance_number(const std::string& name);

}  // namespace capsim::import

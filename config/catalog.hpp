// Instance types and their prices.
#pragma once

#include <map>
#include <string>

namespace capsim::config {

struct InstanceType {
  std::string name;
  std::string family;  // general | compute | memory
  int vcpus = 0;
  double memory = 0;  // bytes
  double hourly = 0;  // price per hour, in the catalog's currency
};

struct Catalog {
  std::string file;
  std::string provider, region, currency = "USD", source, date;
  std::map<std::string, InstanceType> instances;
  static constexpr double hours_per_month = 730;  // 8760 h / 12, the usual cloud billing month

  const InstanceType* find(const std::string& name) const;
};

}  // namespace capsim::config

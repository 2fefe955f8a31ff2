#include "import/recognise.hpp"

#include <algorithm>
#include <filesystem>

#include "import/text.hpp"

namespace capsim::import {

const char* product_name(Product p) {
  switch (p) {
    case Product::unknown:
      return "unknown";
    case Product::app:
      return "app";
    case Product::worker:
      return "worker";
    case Product::load_balancer:
      return "nginx";
    case Product::pgbouncer:
      return "pgbouncer";
    case Product::postgres:
      return "postgres";
    case Product::redis:
      return "redis";
    case Product::redis_sentinel:
      return "redis sentinel";
    case Product::redis_cli:
      return "redis-cli";
    case Product::qdrant:
      return "qdrant";
    case Product::mongo:
      return "mongo";
  }
  return "";
}

std::string image_repository(const std::string& image) {
  std::string s = lower(trim(image));
  if (auto at = s.find('@'); at != std::string::npos) s = s.substr(0, at);
  // A tag is after the last ':' that follows the last '/' (a registry may have a port).
  auto slash = s.rfind('/');
  auto colon = s.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
    s = s.substr(0, colon);
  // The first part is a registry when it has a '.' or ':' or is localhost (docker's rule).
  auto first = s.find('/');
  if (first != std::string::npos) {
    std::string head = s.substr(0, first);
    if (contains(head, ".") || contains(head, ":") || head == "localhost") s = s.substr(first + 1);
  }
  if (starts_with(s, "library/")) s = s.substr(8);
  return s;
}

namespace {

bool any_of(const std::string& repo, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (repo == n) return true;
  return false;
}

// The program the command starts (skipping "sh -c", "exec", env assignments).
std::string program(const std::vector<std::string>& argv) {
  for (const auto& a : argv) {
    for (const auto& w : split_words(a)) {
      if (w == "sh" || w == "bash" || w == "-c" || w == "exec" || w == "/bin/sh" ||
          w == "/bin/bash" || contains(w, "="))
        continue;
      return std::filesystem::path(w).filename().string();
    }
  }
  return "";
}

bool has_word(const std::vector<std::string>& argv, const std::string& word) {
  for (const auto& a : argv)
    for (const auto& w : split_words(a))
      if (w == word || std::filesystem::path(w).filename().string() == word) return true;
  return false;
}

}  // namespace

bool mentions_worker(const std::vector<std::string>& argv) {
  // An HTTP server's own worker processes (gunicorn --workers 5) do not make it a job worker.
  static const std::vector<std::string> servers = {"gunicorn", "uvicorn", "hypercorn", "daphne"};
  if (std::find(servers.begin(), servers.end(), program(argv)) != servers.end()) return false;
  for (const auto& a : argv)
    for (const auto& w : split_words(lower(a)))
      if (!starts_with(w, "-") && (contains(w, "worker") || contains(w, "bullmq"))) return true;
  return false;
}

Recognition recognise(const Container& c) {
  Recognition r;
  const std::string repo = image_repository(c.image.value);
  const std::string prog = program(c.argv);
  r.origin = c.image.origin;
  r.why = "image " + c.image.value;

  if (any_of(repo, {"redis", "bitnami/redis", "redis/redis-stack-server", "redis/redis-stack",
                    "bitnami/redis-sentinel"}) ||
      prog == "redis-server" || prog == "redis-sentinel" || prog == "redis-cli") {
    if (!c.image.value.empty() && c.argv.empty()) r.origin = c.image.origin;
    if (repo == "bitnami/redis-sentinel" || prog == "redis-sentinel" ||
        (has_word(c.argv, "--sentinel") && prog != "redis-cli")) {
      r.product = Product::redis_sentinel;
      if (repo != "bitnami/redis-sentinel")
        r.why += " running as a Sentinel", r.origin = c.argv_origin;
    } else if (prog == "redis-cli") {
      r.product = Product::redis_cli;
      r.why += " running redis-cli";
      r.origin = c.argv_origin;
    } else {
      r.product = Product::redis;
    }
    return r;
  }
  if (any_of(repo, {"postgres", "bitnami/postgresql", "postgis/postgis", "timescale/timescaledb",
                    "timescale/timescaledb-ha"}) ||
      starts_with(repo, "zalando/spilo") || prog == "postgres" || prog == "patroni") {
    r.product = Product::postgres;
    // Spilo is PostgreSQL run by Patroni; so is any container whose command is patroni.
    r.patroni = starts_with(repo, "zalando/spilo") || prog == "patroni";
    return r;
  }
  if (any_of(repo, {"edoburu/pgbouncer", "bitnami/pgbouncer", "pgbouncer/pgbouncer"}) ||
      prog == "pgbouncer") {
    r.product = Product::pgbouncer;
    return r;
  }
  if (any_of(repo, {"qdrant/qdrant"})) {
    r.product = Product::qdrant;
    return r;
  }
  if (any_of(repo,
             {"nginx", "nginx/nginx-ingress", "bitnami/nginx", "nginxinc/nginx-unprivileged"})) {
    r.product = Product::load_balancer;
    return r;
  }
  if (any_of(repo, {"mongo", "bitnami/mongodb", "mongodb/mongodb-community-server"})) {
    r.product = Product::mongo;
    return r;
  }
  const bool app_image = any_of(repo, {"node", "python"}) || c.build.has_value();
  if (c.build && c.image.value.empty()) {
    r.why = "built from a Dockerfile";
    r.origin = *c.build;
  } else if (c.build) {
    r.why += ", built from a Dockerfile";
  }
  if (mentions_worker(c.argv)) {
    r.product = Product::worker;
    r.why += " with a worker command";
    r.origin = c.argv_origin;
    return r;
  }
  r.product = app_image ? Product::app : Product::unknown;
  return r;
}

}  // namespace capsim::import

#include "import/compose.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "import/quantities.hpp"
#include "import/text.hpp"

namespace capsim::import {

namespace fs = std::filesystem;

bool looks_like_compose(const YAML::Node& doc) {
  return doc.IsMap() && doc["services"] && doc["services"].IsMap() && !doc["apiVersion"] &&
         !doc["kind"];
}

std::string compose_interpolate(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); i++) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      i++;
      continue;
    }
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      auto close = s.find('}', i);
      if (close != std::string::npos) {
        std::string inner = s.substr(i + 2, close - i - 2);
        auto dash = inner.find('-');
        if (dash != std::string::npos && dash > 0) {
          out += inner.substr(dash + 1);
          i = close;
          continue;
        }
      }
    }
    out += s[i];
  }
  return out;
}

namespace {

// A command or entrypoint: a string is split like a shell would; a list's items are split into
// words too, so that ["redis-server", "--maxmemory 3gb"] reads like the string form.
std::vector<std::string> command_words(const YRef& r) {
  std::vector<std::string> out;
  if (r.is_scalar()) return shell_split(compose_interpolate(r.text()));
  for (const auto& item : r.items())
    for (auto& w : split_words(compose_interpolate(item.text()))) out.push_back(w);
  return out;
}

void read_environment(const YRef& env, Container& c) {
  if (env.is_seq()) {
    for (const auto& item : env.items()) {
      std::string t = item.text();
      auto eq = t.find('=');
      EnvVar v;
      v.origin = item.origin();
      if (eq == std::string::npos) {
        v.name = trim(t);  // "KEY" alone: the value comes from the shell
      } else {
        v.name = trim(t.substr(0, eq));
        v.value = compose_interpolate(t.substr(eq + 1));
      }
      c.env.push_back(std::move(v));
    }
  } else if (env.is_map()) {
    for (const auto& [key, value] : env.entries()) {
      EnvVar v;
      v.name = key;
      v.origin = value.origin();
      if (value.is_scalar()) v.value = compose_interpolate(value.text());
      c.env.push_back(std::move(v));
    }
  }
}

std::optional<Sourced<double>> cpus(const YRef& r, Diagnostics& diag) {
  if (!r.defined()) return std::nullopt;
  auto v = parse_number(r.text());
  if (!v || *v <= 0) {
    diag.problem(r.origin(),
                 fmt::format("{}: expected a number of CPUs such as '0.5' or '2', got \"{}\"",
                             r.origin().path, r.text()));
    return std::nullopt;
  }
  return Sourced<double>{*v, r.origin()};
}

std::optional<Sourced<double>> memory(const YRef& r, Diagnostics& diag) {
  if (!r.defined()) return std::nullopt;
  auto v = parse_docker_memory(r.text());
  if (!v || *v <= 0) {
    diag.problem(r.origin(),
                 fmt::format("{}: expected a memory size such as 512M or 2G, got \"{}\"",
                             r.origin().path, r.text()));
    return std::nullopt;
  }
  return Sourced<double>{*v, r.origin()};
}

// A bind-mounted file's path relative to the import root; "" for a named volume.
std::string bind_source(const std::string& source, const std::string& dir) {
  if (source.empty() || !(source[0] == '.' || source[0] == '/' || source[0] == '~')) return "";
  fs::path p = fs::path(dir) / source;
  return p.lexically_normal().generic_string();
}

void read_volumes(const YRef& volumes, const std::string& dir, Container& c) {
  for (const auto& v : volumes.items()) {
    Mount m;
    if (v.is_scalar()) {
      auto parts = std::vector<std::string>();
      std::string t = compose_interpolate(v.text()), part;
      for (char ch : t) {
        if (ch == ':')
          parts.push_back(part), part.clear();
        else
          part += ch;
      }
      parts.push_back(part);
      if (parts.size() < 2) continue;
      m.file = bind_source(parts[0], dir);
      m.target = parts[1];
    } else if (v.is_map()) {
      if (v["type"].text() != "bind" && v["type"].defined()) continue;
      m.file = bind_source(compose_interpolate(v["source"].text()), dir);
      m.target = v["target"].text();
    }
    if (!m.file.empty()) c.mounts.push_back(std::move(m));
  }
}

void read_service(const std::string& name, const YRef& svc, const std::string& dir, Inputs& in,
                  Diagnostics& diag) {
  Workload w;
  w.name = name;
  w.source = "compose service";
  w.origin = svc.origin();
  Container c;
  c.name = name;
  if (YRef image = svc["image"]; image.is_scalar())
    c.image = {compose_interpolate(image.text()), image.origin()};
  if (YRef build = svc["build"]; build.defined()) c.build = build.origin();
  YRef entrypoint = svc["entrypoint"], command = svc["command"];
  c.argv = command_words(entrypoint);
  for (auto& word : command_words(command)) c.argv.push_back(word);
  c.argv_origin = command.defined() ? command.origin() : entrypoint.origin();
  read_environment(svc["environment"], c);

  // Replicas: deploy.replicas (Compose Specification "deploy"), else the older `scale`.
  for (const YRef& r : {svc["deploy"]["replicas"], svc["scale"]}) {
    if (!r.defined()) continue;
    if (auto n = yaml_integer(r, "a whole number of replicas", diag)) w.replicas = {*n, r.origin()};
    break;
  }
  // CPU and memory: deploy.resources limits and reservations, else the service-level cpus,
  // mem_limit and mem_reservation of the older file format.
  YRef res = svc["deploy"]["resources"];
  c.cpu_limit = cpus(res["limits"]["cpus"], diag);
  if (!c.cpu_limit) c.cpu_limit = cpus(svc["cpus"], diag);
  c.cpu_request = cpus(res["reservations"]["cpus"], diag);
  c.mem_limit = memory(res["limits"]["memory"], diag);
  if (!c.mem_limit) c.mem_limit = memory(svc["mem_limit"], diag);
  c.mem_request = memory(res["reservations"]["memory"], diag);
  if (!c.mem_request) c.mem_request = memory(svc["mem_reservation"], diag);

  for (const char* key : {"ports", "expose"})
    if (svc[key].is_seq() && svc[key].node().size() > 0 && !c.ports) c.ports = svc[key].origin();
  read_volumes(svc["volumes"], dir, c);

  for (const auto& d : yaml_scalars(svc["depends_on"]))
    w.depends_on.push_back({d.text(), d.origin()});
  for (const auto& l : yaml_scalars(svc["links"])) {
    // "service" or "service:alias"
    std::string t = l.text();
    auto colon = t.find(':');
    w.depends_on.push_back({t.substr(0, colon), l.origin()});
    if (colon != std::string::npos) w.aliases.push_back(t.substr(colon + 1));
  }
  for (const char* key : {"container_name", "hostname"})
    if (svc[key].is_scalar()) w.aliases.push_back(svc[key].text());
  for (const auto& [net, conf] : svc["networks"].entries())
    for (const auto& a : conf["aliases"].items()) w.aliases.push_back(a.text());

  w.containers.push_back(std::move(c));
  in.workloads.push_back(std::move(w));
}

}  // namespace

void read_compose(const YRef& doc, const std::string& dir, Inputs& in, Diagnostics& diag) {
  // The project name: the file's top-level `name`, which compose uses as the prefix of its
  // container names ("voiceassist-api-1").
  if (YRef name = doc["name"]; name.is_scalar() && !name.text().empty()) in.name = name.text();
  for (const auto& [name, svc] : doc["services"].entries()) {
    if (!svc.is_map()) {
      diag.problem(
          svc.origin(),
          fmt::format("{}: expected a service definition (a map), got {}", svc.origin().path,
                      svc.is_scalar() ? "\"" + svc.text() + "\"" : "a list"));
      continue;
    }
    read_service(name, svc, dir, in, diag);
  }
}

}  // namespace capsim::import

// nginx.conf: a small tokenizer (words, quoted strings, ';', '{', '}', '#' comments) and parser
// into nested directives, then what a capsim load balancer needs from it: the upstream blocks
// (balancing method, servers with max_fails / fail_timeout) and the locations that proxy_pass to
// them, with the proxy timeouts and retry settings in effect there (nginx
// ngx_http_upstream_module and ngx_http_proxy_module docs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "import/model.hpp"

namespace capsim::import {

struct NginxDirective {
  std::string name;
  std::vector<std::string> args;
  int line = 0;
  bool has_block = false;
  std::vector<NginxDirective> block;
};

// The directives of the text, or a problem at the line of an unbalanced brace or a missing ';'.
std::vector<NginxDirective> parse_nginx(const ConfigSource& cs, Diagnostics& diag);

struct NginxServer {
  std::string address;  // as written: "api-1:8000"
  std::string host;     // "api-1"
  Origin origin;
  std::optional<Sourced<long long>> max_fails;
  std::optional<Sourced<std::string>> fail_timeout;  // a capsim duration
  bool backup = false;
  bool down = false;
};

struct NginxUpstream {
  std::string name;
  Origin origin;
  std::optional<Sourced<std::string>> balance;  // capsim's name: least_conn, random, two_choices
  std::vector<NginxServer> servers;
};

// A location whose proxy_pass names an upstream block or a host, with the proxy settings in
// effect there (inherited from server and http): connect_timeout, read_timeout, next_upstream,
// next_upstream_tries.
struct NginxProxy {
  std::string location;
  std::string target;  // the upstream block's name or the host
  Origin origin;
  std::vector<Setting> settings;
};

struct NginxConfig {
  std::vector<NginxUpstream> upstreams;
  std::vector<NginxProxy> proxies;
};

NginxConfig read_nginx_conf(const ConfigSource& cs, Diagnostics& diag);

}  // namespace capsim::import

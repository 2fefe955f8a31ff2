#include "import/nginx_conf.hpp"

#include <fmt/format.h>

#include "import/quantities.hpp"
#include "import/text.hpp"
#include "import/wiring.hpp"

namespace capsim::import {

namespace {

struct Token {
  std::string text;
  int line = 0;
  bool special = false;  // ';', '{' or '}' (not a quoted string that happens to be one)
};

std::vector<Token> tokenize(const std::string& text) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      line++, i++;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      i++;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') i++;
    } else if (c == ';' || c == '{' || c == '}') {
      out.push_back({std::string(1, c), line, true});
      i++;
    } else if (c == '"' || c == '\'') {
      Token t{"", line, false};
      for (i++; i < text.size() && text[i] != c; i++) {
        if (text[i] == '\\' && i + 1 < text.size()) i++;
        if (text[i] == '\n') line++;
        t.text += text[i];
      }
      i++;
      out.push_back(std::move(t));
    } else {
      Token t{"", line, false};
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
             text[i] != ';' && text[i] != '{' && text[i] != '}')
        t.text += text[i++];
      out.push_back(std::move(t));
    }
  }
  return out;
}

// Directives up to the closing brace of the current block (or the end at the top level).
std::vector<NginxDirective> parse_block(const std::vector<Token>& ts, std::size_t& i, bool nested,
                                        const ConfigSource& cs, Diagnostics& diag, bool& ok) {
  std::vector<NginxDirective> out;
  while (i < ts.size() && ok) {
    const Token& t = ts[i];
    if (t.special && t.text == "}") {
      if (!nested) {
        diag.problem(cs.locate("}", t.line), "unexpected \"}\" (expected a directive)");
        ok = false;
        return out;
      }
      i++;
      return out;
    }
    if (t.special) {
      diag.problem(cs.locate(t.text, t.line),
                   fmt::format("unexpected \"{}\" (expected a directive name)", t.text));
      ok = false;
      return out;
    }
    NginxDirective d;
    d.name = t.text;
    d.line = t.line;
    for (i++; i < ts.size() && !ts[i].special; i++) d.args.push_back(ts[i].text);
    if (i == ts.size()) {
      diag.problem(
          cs.locate(d.name, d.line),
          fmt::format("directive \"{}\" is not terminated (expected \";\" or a block)", d.name));
      ok = false;
      return out;
    }
    if (ts[i].text == "{") {
      i++;
      d.has_block = true;
      d.block = parse_block(ts, i, true, cs, diag, ok);
    } else if (ts[i].text == ";") {
      i++;
    } else {  // "}" right after the arguments
      diag.problem(cs.locate(d.name, d.line),
                   fmt::format("directive \"{}\" is not terminated (expected \";\")", d.name));
      ok = false;
      return out;
    }
    out.push_back(std::move(d));
  }
  if (nested && ok) {
    diag.problem(cs.locate("}", ts.empty() ? 0 : ts.back().line),
                 "unexpected end of file (expected \"}\" closing a block)");
    ok = false;
  }
  return out;
}

std::string dq(const std::string& s) {
  return "\"" + s + "\"";
}

NginxUpstream read_upstream(const NginxDirective& up, const ConfigSource& cs, Diagnostics& diag) {
  NginxUpstream u;
  u.name = up.args.empty() ? "" : up.args[0];
  const std::string ctx = "upstream " + u.name;
  u.origin = cs.locate(ctx, up.line);
  for (const auto& d : up.block) {
    const Origin o = cs.locate(ctx + " / " + d.name, d.line);
    if (d.name == "least_conn") {
      u.balance = {"least_conn", o};
    } else if (d.name == "random") {
      // "random two [least_conn|least_time]" is the power of two choices; "random" alone picks one.
      u.balance = {!d.args.empty() && d.args[0] == "two" ? "two_choices" : "random", o};
    } else if (d.name == "ip_hash" || d.name == "hash" || d.name == "least_time" ||
               d.name == "ntlm" || d.name == "sticky") {
      diag.warn(o, fmt::format("upstream {}: balancing method {} is not modelled (capsim uses "
                               "round_robin)",
                               u.name, d.name));
    } else if (d.name == "server" && !d.args.empty()) {
      NginxServer s;
      s.address = d.args[0];
      s.origin = cs.locate(ctx + " / server " + s.address, d.line);
      if (auto e = parse_endpoint(s.address)) s.host = e->host;
      for (std::size_t k = 1; k < d.args.size(); k++) {
        const std::string& p = d.args[k];
        auto eq = p.find('=');
        std::string key = p.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : p.substr(eq + 1);
        Origin po = cs.locate(ctx + " / server " + s.address + " " + key, d.line);
        if (key == "max_fails") {
          auto n = parse_integer(value);
          if (!n || *n < 0)
            diag.problem(po, fmt::format("max_fails: expected a whole number (0 disables), got {}",
                                         dq(value)));
          else
            s.max_fails = {*n, po};
        } else if (key == "fail_timeout") {
          auto t = parse_nginx_time(value);
          if (!t || *t <= 0)
            diag.problem(po, fmt::format("fail_timeout: expected a time such as 10s or 30s, got {}",
                                         dq(value)));
          else
            s.fail_timeout = {format_duration(*t), po};
        } else if (key == "backup") {
          s.backup = true;
        } else if (key == "down") {
          s.down = true;
        }
      }
      u.servers.push_back(std::move(s));
    }
  }
  return u;
}

// Proxy settings in effect at one level: inherited ones, overridden by what the level sets.
struct ProxyContext {
  std::vector<Setting> settings;

  void set(Setting s) {
    for (auto& existing : settings)
      if (existing.key == s.key) {
        existing = std::move(s);
        return;
      }
    settings.push_back(std::move(s));
  }
};

void read_proxy_setting(const NginxDirective& d, const std::string& ctx, const ConfigSource& cs,
                        ProxyContext& pc, Diagnostics& diag) {
  const Origin o = cs.locate(ctx.empty() ? d.name : ctx + " / " + d.name, d.line);
  const std::string arg = d.args.empty() ? "" : d.args[0];
  if (d.name == "proxy_connect_timeout" || d.name == "proxy_read_timeout") {
    auto t = parse_nginx_time(arg);
    if (!t || *t <= 0)
      diag.problem(o,
                   fmt::format("{}: expected a time such as 5s or 60s, got {}", d.name, dq(arg)));
    else
      pc.set({d.name == "proxy_connect_timeout" ? "connect_timeout" : "read_timeout",
              format_duration(*t), o});
  } else if (d.name == "proxy_next_upstream") {
    pc.set({"next_upstream", d.args, o});
  } else if (d.name == "proxy_next_upstream_tries") {
    auto n = parse_integer(arg);
    if (!n || *n < 0)
      diag.problem(o, fmt::format("proxy_next_upstream_tries: expected a whole number (0 is "
                                  "unlimited), got {}",
                                  dq(arg)));
    else
      pc.set({"next_upstream_tries", *n, o});
  }
}

void walk(const std::vector<NginxDirective>& ds, const std::string& ctx, ProxyContext pc,
          const ConfigSource& cs, NginxConfig& out, Diagnostics& diag) {
  // Settings first: nginx applies a level's proxy_* directives wherever they appear in it.
  for (const auto& d : ds)
    if (!d.has_block) read_proxy_setting(d, ctx, cs, pc, diag);
  for (const auto& d : ds) {
    if (d.name == "upstream" && d.has_block) {
      out.upstreams.push_back(read_upstream(d, cs, diag));
    } else if (d.has_block) {
      std::string inner = d.name + (d.args.empty() ? "" : " " + join(d.args, " "));
      walk(d.block, ctx.empty() ? inner : ctx + " / " + inner, pc, cs, out, diag);
    } else if (d.name == "proxy_pass" && !d.args.empty()) {
      NginxProxy p;
      p.location = ctx;
      p.origin = cs.locate(ctx.empty() ? d.name : ctx + " / proxy_pass", d.line);
      std::string error;
      if (auto e = parse_endpoint(d.args[0], &error)) p.target = e->host;
      p.settings = pc.settings;
      if (!p.target.empty() && !starts_with(p.target, "$")) out.proxies.push_back(std::move(p));
    }
  }
}

}  // namespace

std::vector<NginxDirective> parse_nginx(const ConfigSource& cs, Diagnostics& diag) {
  auto tokens = tokenize(cs.text);
  std::size_t i = 0;
  bool ok = true;
  auto ds = parse_block(tokens, i, false, cs, diag, ok);
  return ok ? ds : std::vector<NginxDirective>{};
}

NginxConfig read_nginx_conf(const ConfigSource& cs, Diagnostics& diag) {
  NginxConfig out;
  walk(parse_nginx(cs, diag), "", ProxyContext{}, cs, out, diag);
  return out;
}

}  // namespace capsim::import

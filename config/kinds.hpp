// What the reader needs to know of a component kind, and nothing more. config/ names no kind: each
// kind's folder under models/ describes itself with a KindSyntax (its keys and how to read them,
// the components it refers to, the roles a scenario may name, the calls it takes), and
// models/registry.cpp hands the table of them to the readers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "config/topology.hpp"

namespace capsim::config {

// A name one component's settings refer to ("upstream": "api"), and what it must be.
struct Reference {
  std::string key;                 // the setting, also the dependency graph's relation
  std::string name;                // the component it names
  std::vector<std::string> kinds;  // the kinds it may be, in the order messages list them
  std::string what;                // "an upstream", "a database server": for messages
  bool fronts = false;             // requests to `name` enter through this component (nginx)
  bool forwards_queries = false;   // a query sent here runs on `name` (PgBouncer's server)
  bool needed_to_enqueue = false;  // enqueueing here writes to `name` (BullMQ's broker)
};

// How many instances a scenario target such as "pg.replica[1]" may address, or why the form does
// not fit the kind.
struct Address {
  int count = 0;
  std::string invalid;  // non-empty: why this role (or lack of one) does not fit the kind
};

// What a call to a component of this kind may and must say.
struct CallRules {
  bool query = false;      // takes "query" ("read" | "write"), and needs it: a database
  bool hit_ratio = false;  // takes "hit_ratio" (and "on_miss"): a cache
  bool enqueue = false;    // takes "enqueue", and needs it: a job queue
};

struct KindSyntax {
  std::string name;                // the topology's "kind"
  std::vector<std::string> keys;   // every key its settings take
  std::vector<std::string> roles;  // the roles scenarios may name ("primary", ...)
  std::vector<std::string> modes;  // the values its "plan" key's "modes" may take
  CallRules calls;
  // Reads the kind's settings from the component's object; problems go to the reader's context.
  std::function<std::shared_ptr<const KindParams>(ObjectReader&)> read;
  // The components its settings name.
  std::function<std::vector<Reference>(const Component&)> references;
  // Scenario targets: how many instances `role` (or "" for the component's own instances) has,
  // `indexed` when the target gives an index.
  std::function<Address(const Component&, const std::string& role, bool indexed)> address;
};

using KindTable = std::vector<KindSyntax>;

const KindSyntax* find_kind(const KindTable& kinds, const std::string& name);
std::vector<std::string> kind_names(const KindTable& kinds);
// Every role any kind has, in table order, each once.
std::vector<std::string> all_roles(const KindTable& kinds);

// "a" or "an" before a word, and "a postgres or pgbouncer" style lists, for messages.
const char* article(const std::string& word);
std::string kinds_phrase(const std::vector<std::string>& kinds);

// The Address a kind without roles gives: its `count` instances, and a message for any role.
Address address_without_roles(const Component& c, int count, const std::string& role);
// The message for a role that `c`'s kind does not have.
Address wrong_role(const Component& c, const std::string& role,
                   const std::vector<std::string>& roles);
// The message for "name[i]" on a kind whose instances change roles.
Address ambiguous_index(const Component& c, const std::vector<std::string>& forms);

}  // namespace capsim::config

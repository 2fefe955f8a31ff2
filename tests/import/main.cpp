// Catch2's main for the import tests (its own object: it compiles slowly).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

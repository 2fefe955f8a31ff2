# The layers, lowest first: a file may include headers of its own layer and of those below it,
# never of a higher one. Only sim/engine.* may include SimGrid. Run by the build (target
# check_layers) and tested by tests/lint/ on a tree that breaks the rule.
#   cmake -DROOT=<repository> -P cmake/check_layers.cmake
set(layers core config import engine sim models analysis plan runs output cli)

# The layer of a path relative to ROOT ("sim/engine.cpp" is the engine, the rest of sim/ is sim);
# "" for folders outside the layers (tests, bench).
function(layer_of path out)
  string(REGEX MATCH "^[^/]+" folder "${path}")
  if(path MATCHES "^sim/engine\\.(hpp|cpp)$")
    set(folder engine)
  endif()
  list(FIND layers "${folder}" index)
  set(${out} ${index} PARENT_SCOPE)
endfunction()

if(NOT ROOT)
  message(FATAL_ERROR "check_layers: -DROOT=<repository> is required")
endif()
set(problems 0)
foreach(top IN LISTS layers)
  if(top STREQUAL engine)
    continue()
  endif()
  file(GLOB_RECURSE sources RELATIVE ${ROOT} ${ROOT}/${top}/*.cpp ${ROOT}/${top}/*.hpp)
  foreach(source IN LISTS sources)
    layer_of(${source} own)
    file(STRINGS ${ROOT}/${source} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
      if(header MATCHES "^simgrid/" AND NOT source MATCHES "^sim/engine\\.(hpp|cpp)$")
        message(SEND_ERROR "${source}: includes <${header}>: only sim/engine.* may include SimGrid")
        math(EXPR problems "${problems} + 1")
      endif()
      layer_of(${header} theirs)
      if(theirs GREATER own)
        list(GET layers ${own} mine)
        list(GET layers ${theirs} higher)
        message(SEND_ERROR "${source}: includes \"${header}\": the ${mine} layer must not include "
                           "the ${higher} layer above it (order: ${layers})")
        math(EXPR problems "${problems} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems GREATER 0)
  message(FATAL_ERROR "${problems} include(s) across the layers")
endif()

// Linked into every executable of the sanitizer build (see JIB_SANITIZE in CMakeLists.txt), so
// the settings hold however a binary is started: ctest, pytest or by hand.

extern "C" {

// cpprestsdk's HTTP client leaves a continuation cycle behind when a connection is refused
// (pplx tasks that own each other, freed by nobody): a leak inside the library at exit, not
// in jib. Only allocations whose stack runs through cpprestsdk or its pplx tasks match.
const char* __lsan_default_suppressions() { return "leak:libcpprest.so\nleak:pplx::\n"; }

}  // extern "C"

# Instrumented builds, off by default. Include after CommonConfig.cmake and before the libraries,
# so every target (libraries, moc output, tests, the app) is built the same way.
#
#   -DTHENA_SANITIZE=ON  AddressSanitizer + UndefinedBehaviorSanitizer everywhere (GCC or Clang);
#                        run the suite as usual, any report fails its test (UBSan does not recover).
#   -DTHENA_FUZZ=ON      the same sanitizers plus libFuzzer coverage, and the targets in fuzz/
#                        (Clang only: CC=clang CXX=clang++; Debian packages clang, libclang-rt-14-dev).
#                        fuzz/run configures and runs it in build-fuzz/.
option(THENA_SANITIZE "Build everything with -fsanitize=address,undefined" OFF)
option(THENA_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang++)" OFF)

if(THENA_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "THENA_FUZZ needs Clang: configure with CC=clang CXX=clang++ "
    "(Debian: apt-get install clang libclang-rt-14-dev)")
endif()

if(THENA_SANITIZE OR THENA_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(THENA_FUZZ)
  # Coverage feedback in all of our code; only the fuzz targets link libFuzzer's main().
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# One INTERFACE target carries every warning flag and Qt define, so each library and test
# gets the same settings without repeating them.
add_library(thena_common INTERFACE)
target_compile_options(thena_common INTERFACE -Wall -Wextra -pedantic)
target_compile_definitions(thena_common INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_USE_QSTRINGBUILDER
  QT_NO_FOREACH
  QT_DISABLE_DEPRECATED_BEFORE=0x060400
  THENA_INSPECTOR_VERSION="${PROJECT_VERSION}")

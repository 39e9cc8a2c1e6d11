#pragma once

#include <QStringList>
#include <cstdio>

// `thena-inspector export`: writes a capture file's events to CSV or JSON Lines without a window.
//   thena-inspector export --store FILE --out FILE|- [--format csv|jsonl] [--filter QUERY]
//                          [--columns a,b,c] [--no-bom] [--no-formula-protection]
// The filter has the filter bar's syntax (FilterQuery) but, unlike the bar, refuses a query with
// an invalid term: a script that misspells a field should fail, not export everything.
class ExportCommand
{
public:
    ExportCommand() = delete;

    enum ExitCode
    {
        ExitOk = 0,
        ExitFailure = 1, // the store cannot be read, the output cannot be written
        ExitUsage = 2, // bad or missing options
    };

    // arguments: the program name, "export", then the options. The data goes to --out (or to `out`
    // for `--out -`); messages go to `err`, help to `out`. Needs a QCoreApplication (for the SQLite
    // driver plugin) but no window.
    static int run(const QStringList &arguments, FILE *out, FILE *err);
};

#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

class QIODevice;

// Writes RFC 4180 CSV: comma separated, CRLF after every record, a field quoted when it holds a
// comma, a quote, CR or LF, quotes doubled inside. UTF-8, by default after a byte-order mark,
// because Excel reads a file without one in the local 8-bit code page and garbles non-ASCII text.
//
// Formula protection (on by default): a spreadsheet runs a cell that starts with '=', '+', '-',
// '@', tab or CR as a formula, so a webhook body could plant `=HYPERLINK(...)` in a report. Such a
// cell gets a leading single quote, which spreadsheets show as text. Scripts that want the exact
// values turn it off.
class CsvWriter
{
public:
    struct Options
    {
        bool byteOrderMark = true;
        bool formulaProtection = true;
    };

    explicit CsvWriter(QIODevice *device);
    CsvWriter(QIODevice *device, Options options);

    // Writes the byte-order mark before the first record. False when the device refused a write.
    bool writeRecord(const QStringList &fields);
    QString errorString() const { return m_error; }

    // One field as it appears in the file (quoted when needed), without the separator.
    static QString encodeField(const QString &field, bool formulaProtection);
    // One record without the line ending.
    static QString encodeRecord(const QStringList &fields, bool formulaProtection);
    static bool startsLikeFormula(const QString &field);

    static const QByteArray &byteOrderMark();

private:
    bool write(const QByteArray &bytes);

    QIODevice *m_device;
    Options m_options;
    bool m_started = false;
    QString m_error;
};

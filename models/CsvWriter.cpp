#include "CsvWriter.h"

#include <QIODevice>

CsvWriter::CsvWriter(QIODevice *device)
    : CsvWriter(device, Options())
{ }

CsvWriter::CsvWriter(QIODevice *device, Options options)
    : m_device(device)
    , m_options(options)
{ }

const QByteArray &CsvWriter::byteOrderMark()
{
    static const QByteArray bom("\xEF\xBB\xBF");
    return bom;
}

bool CsvWriter::startsLikeFormula(const QString &field)
{
    if (field.isEmpty())
        return false;
    switch (field.front().unicode()) {
    case u'=':
    case u'+':
    case u'-':
    case u'@':
    case u'\t':
    case u'\r':
        return true;
    default:
        return false;
    }
}

QString CsvWriter::encodeField(const QString &field, bool formulaProtection)
{
    const bool protect = formulaProtection && startsLikeFormula(field);
    bool quote = false;
    for (const QChar c : field) {
        if (c == u',' || c == u'"' || c == u'\r' || c == u'\n') {
            quote = true;
            break;
        }
    }
    if (!protect && !quote)
        return field;
    QString text;
    text.reserve(field.size() + 4);
    if (quote)
        text += u'"';
    if (protect)
        text += u'\'';
    for (const QChar c : field) {
        if (c == u'"')
            text += u'"';
        text += c;
    }
    if (quote)
        text += u'"';
    return text;
}

QString CsvWriter::encodeRecord(const QStringList &fields, bool formulaProtection)
{
    // A lone empty field would make a blank line, which readers skip or read as no fields at all.
    if (fields.size() == 1 && fields.constFirst().isEmpty())
        return QStringLiteral("\"\"");
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += u',';
        line += encodeField(fields.at(i), formulaProtection);
    }
    return line;
}

bool CsvWriter::writeRecord(const QStringList &fields)
{
    QByteArray bytes;
    if (!m_started) {
        m_started = true;
        if (m_options.byteOrderMark)
            bytes += byteOrderMark();
    }
    bytes += encodeRecord(fields, m_options.formulaProtection).toUtf8();
    bytes += "\r\n";
    return write(bytes);
}

bool CsvWriter::write(const QByteArray &bytes)
{
    if (m_device->write(bytes) == bytes.size())
        return true;
    m_error = m_device->errorString();
    return false;
}

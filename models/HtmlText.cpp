#include "HtmlText.h"

#include <array>

namespace {
struct NamedEntity
{
    const char *name;
    char16_t character;
};

// The named entities rich-text editors actually emit; anything else stays literal text.
constexpr std::array<NamedEntity, 26> kEntities = { {
    { "amp", u'&' },
    { "lt", u'<' },
    { "gt", u'>' },
    { "quot", u'"' },
    { "apos", u'\'' },
    { "nbsp", u' ' }, // a plain space: readers search and filter on this text
    { "ndash", u'\u2013' },
    { "mdash", u'\u2014' },
    { "hellip", u'\u2026' },
    { "lsquo", u'\u2018' },
    { "rsquo", u'\u2019' },
    { "ldquo", u'\u201C' },
    { "rdquo", u'\u201D' },
    { "bull", u'\u2022' },
    { "middot", u'\u00B7' },
    { "copy", u'\u00A9' },
    { "reg", u'\u00AE' },
    { "trade", u'\u2122' },
    { "euro", u'\u20AC' },
    { "pound", u'\u00A3' },
    { "times", u'\u00D7' },
    { "deg", u'\u00B0' },
    { "laquo", u'\u00AB' },
    { "raquo", u'\u00BB' },
    { "shy", u'\u00AD' },
    { "zwj", u'\u200D' },
} };

// Longest entity body we look for before giving up and treating '&' as text ("&#x10FFFF" is 8).
constexpr qsizetype kMaxEntityLength = 10;

bool isAsciiLetter(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
}

bool isHorizontalSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\r') || c == QLatin1Char('\f');
}

enum class TagEffect
{
    None,
    LineBreak, // <br>: always a new line, so <br><br> leaves a blank one
    BlockStart, // <p>, </p>, <div>, </li>...: continue on a fresh line
    ListItem, // <li>: fresh line and a bullet
    CellEnd, // </td>, </th>: keep cells apart
};

TagEffect effectOf(QStringView name, bool closing)
{
    static const std::array<const char *, 18> blocks = { "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
        "tr", "table", "blockquote", "pre", "section", "article", "header", "footer" };
    if (name == QLatin1String("br"))
        return TagEffect::LineBreak;
    if (name == QLatin1String("hr"))
        return TagEffect::BlockStart;
    if (name == QLatin1String("li"))
        return closing ? TagEffect::BlockStart : TagEffect::ListItem;
    if (name == QLatin1String("td") || name == QLatin1String("th"))
        return closing ? TagEffect::CellEnd : TagEffect::None;
    for (const char *block : blocks) {
        if (name == QLatin1String(block))
            return TagEffect::BlockStart; // "</p><p>" is one line break, not two
    }
    return TagEffect::None;
}

// Collects output while collapsing horizontal whitespace and limiting blank lines, so the
// scanner does not need a second pass.
class TextSink
{
public:
    // In markup, source newlines are just whitespace (as in a browser); in a plain-text
    // fragment they are the only line structure there is.
    explicit TextSink(bool markup)
        : m_markup(markup)
    { }

    void appendText(QChar c)
    {
        if (isHorizontalSpace(c) || (m_markup && c == QLatin1Char('\n'))) {
            m_pendingSpace = true;
            return;
        }
        if (c == QLatin1Char('\n')) {
            lineBreak();
            return;
        }
        flushSpace();
        m_out.append(c);
    }

    // Entity-decoded characters are literal: an &nbsp; run stays a run, and &lt; never starts a tag.
    void appendLiteral(const QString &text)
    {
        for (QChar c : text) {
            if (c == QLatin1Char('\n')) {
                lineBreak();
                continue;
            }
            flushSpace();
            m_out.append(c);
        }
    }

    void lineBreak()
    {
        m_pendingSpace = false;
        trimTrailingSpaces();
        // At most one empty line in a row: two '\n' already end a paragraph.
        if (m_out.endsWith(QLatin1String("\n\n")))
            return;
        if (!m_out.isEmpty())
            m_out.append(QLatin1Char('\n'));
    }

    void ensureLineStart()
    {
        m_pendingSpace = false;
        trimTrailingSpaces();
        if (!m_out.isEmpty() && !m_out.endsWith(QLatin1Char('\n')))
            m_out.append(QLatin1Char('\n'));
    }

    void separate()
    {
        if (!m_out.isEmpty() && !m_out.endsWith(QLatin1Char('\n')))
            m_pendingSpace = true;
    }

    void appendBullet()
    {
        ensureLineStart();
        m_out.append(QStringLiteral("\u2022 "));
    }

    QString finish()
    {
        // Lines may still start with spaces left by indentation in the source or by entities.
        QString result;
        result.reserve(m_out.size());
        qsizetype start = 0;
        bool previousBlank = false;
        while (start <= m_out.size()) {
            qsizetype end = m_out.indexOf(QLatin1Char('\n'), start);
            if (end < 0)
                end = m_out.size();
            const QString line = m_out.mid(start, end - start).trimmed();
            const bool blank = line.isEmpty();
            if (!(blank && previousBlank)) {
                if (start > 0)
                    result.append(QLatin1Char('\n'));
                result.append(line);
            }
            previousBlank = blank;
            start = end + 1;
        }
        return result.trimmed();
    }

private:
    void flushSpace()
    {
        if (m_pendingSpace && !m_out.isEmpty() && !m_out.endsWith(QLatin1Char('\n'))
            && !m_out.endsWith(QLatin1Char(' ')))
            m_out.append(QLatin1Char(' '));
        m_pendingSpace = false;
    }

    void trimTrailingSpaces()
    {
        qsizetype n = m_out.size();
        while (n > 0 && m_out.at(n - 1) == QLatin1Char(' '))
            --n;
        m_out.truncate(n);
    }

    QString m_out;
    bool m_markup = false;
    bool m_pendingSpace = false;
};

bool looksLikeMarkup(QStringView html)
{
    for (qsizetype i = html.indexOf(QLatin1Char('<')); i >= 0 && i + 1 < html.size();
         i = html.indexOf(QLatin1Char('<'), i + 1)) {
        const QChar next = html.at(i + 1);
        if (isAsciiLetter(next) || next == QLatin1Char('/') || next == QLatin1Char('!'))
            return true;
    }
    return false;
}

// Index just past the '>' that closes the tag starting at `from` ('<'), honouring quoted
// attribute values; -1 when the tag never closes.
qsizetype tagEnd(QStringView html, qsizetype from)
{
    QChar quote;
    for (qsizetype i = from + 1; i < html.size(); ++i) {
        const QChar c = html.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            // Only quotes that open an attribute value count; a stray apostrophe must not
            // swallow the rest of the document.
            if (i > 0 && html.at(i - 1) == QLatin1Char('='))
                quote = c;
        } else if (c == QLatin1Char('>')) {
            return i + 1;
        }
    }
    return -1;
}

// Skips to just past the closing tag of a raw-text element such as <script>; end of input if none.
qsizetype skipRawText(QStringView html, qsizetype from, QLatin1String name)
{
    for (qsizetype i = html.indexOf(QLatin1String("</"), from); i >= 0; i = html.indexOf(QLatin1String("</"), i + 2)) {
        const QStringView candidate = html.mid(i + 2, name.size());
        if (candidate.compare(name, Qt::CaseInsensitive) == 0) {
            const qsizetype end = tagEnd(html, i);
            return end < 0 ? html.size() : end;
        }
    }
    return html.size();
}
} // namespace

QString HtmlText::decodeEntity(QStringView name)
{
    if (name.size() >= 2 && name.front() == QLatin1Char('#')) {
        const bool hex = name.at(1) == QLatin1Char('x') || name.at(1) == QLatin1Char('X');
        const QStringView digits = name.mid(hex ? 2 : 1);
        if (digits.isEmpty() || digits.size() > 8)
            return {};
        bool ok = false;
        const uint code = digits.toUInt(&ok, hex ? 16 : 10);
        if (!ok)
            return {};
        // Browsers replace NUL, surrogates and out-of-range values the same way.
        if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return QString(QChar::ReplacementCharacter);
        const char32_t ucs4 = code;
        return QString::fromUcs4(&ucs4, 1);
    }
    for (const NamedEntity &entity : kEntities) {
        if (name == QLatin1String(entity.name))
            return QString(QChar(entity.character));
    }
    return {};
}

QString HtmlText::toPlainText(QStringView html)
{
    TextSink sink(looksLikeMarkup(html));
    qsizetype i = 0;
    const qsizetype size = html.size();
    while (i < size) {
        const QChar c = html.at(i);
        if (c == QLatin1Char('&')) {
            const qsizetype semicolon = html.indexOf(QLatin1Char(';'), i + 1);
            if (semicolon > i + 1 && semicolon - i - 1 <= kMaxEntityLength) {
                const QString decoded = decodeEntity(html.mid(i + 1, semicolon - i - 1));
                if (!decoded.isEmpty()) {
                    sink.appendLiteral(decoded);
                    i = semicolon + 1;
                    continue;
                }
            }
            sink.appendText(c);
            ++i;
            continue;
        }
        if (c != QLatin1Char('<') || i + 1 >= size) {
            sink.appendText(c);
            ++i;
            continue;
        }

        const QChar next = html.at(i + 1);
        if (html.mid(i, 4) == QLatin1String("<!--")) {
            const qsizetype end = html.indexOf(QLatin1String("-->"), i + 4);
            i = end < 0 ? size : end + 3;
            continue;
        }
        const bool closing = next == QLatin1Char('/');
        const bool declaration = next == QLatin1Char('!') || next == QLatin1Char('?');
        const qsizetype nameStart = i + (closing ? 2 : 1);
        // "a < b" and "<3" are text, not tags.
        if (!declaration && (nameStart >= size || !isAsciiLetter(html.at(nameStart)))) {
            sink.appendText(c);
            ++i;
            continue;
        }
        const qsizetype end = tagEnd(html, i);
        if (end < 0) {
            // An unterminated tag keeps its text: dropping the rest of a message loses more.
            sink.appendText(c);
            ++i;
            continue;
        }
        if (declaration) {
            i = end;
            continue;
        }
        qsizetype nameEnd = nameStart;
        while (nameEnd < end && (isAsciiLetter(html.at(nameEnd)) || html.at(nameEnd).isDigit()))
            ++nameEnd;
        const QString name = html.mid(nameStart, nameEnd - nameStart).toString().toLower();
        i = end;

        if (!closing && (name == QLatin1String("script") || name == QLatin1String("style"))) {
            i = skipRawText(html, i, QLatin1String(name == QLatin1String("script") ? "script" : "style"));
            sink.separate();
            continue;
        }
        switch (effectOf(name, closing)) {
        case TagEffect::LineBreak:
            sink.lineBreak();
            break;
        case TagEffect::BlockStart:
            sink.ensureLineStart();
            break;
        case TagEffect::ListItem:
            sink.appendBullet();
            break;
        case TagEffect::CellEnd:
            sink.separate();
            break;
        case TagEffect::None:
            break;
        }
    }
    return sink.finish();
}

#pragma once

#include <QString>
#include <QStringView>

// Thena text fields (description, activity text, feedbacks) hold HTML fragments. The inspector
// shows them as plain text and never renders them: rendering payload HTML could load remote
// images or style text to mislead. This is a small tolerant scanner, not an HTML parser; broken
// markup degrades to readable text instead of failing.
class HtmlText
{
public:
    HtmlText() = delete;

    // Strips tags, turns block ends (<br>, </p>, </li>, </div>, headings, rows) into line breaks
    // and <li> into "• ", drops <script>/<style> content and comments, decodes entities, collapses
    // runs of spaces and blank lines, and trims.
    static QString toPlainText(QStringView html);
    static QString toPlainText(const QString &html) { return toPlainText(QStringView(html)); }

    // Decodes one entity body (the text between '&' and ';', e.g. "amp", "#39", "#x1F600").
    // Returns an empty string when the entity is unknown. Invalid code points decode to U+FFFD.
    static QString decodeEntity(QStringView name);
};

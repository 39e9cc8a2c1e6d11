#include "RawJsonPane.h"

#include "CapturedEvent.h"
#include "JsonTreeModel.h"
#include "PaneWidgets.h"

#include <QButtonGroup>
#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QStringDecoder>
#include <QTextCursor>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>
#include <vector>

namespace {
// Control bytes would be drawn as nothing or as boxes; Unicode's control pictures keep them
// visible and one character each, so byte offsets still map onto text positions. CRLF becomes
// one line break, which is what QTextDocument would make of it anyway.
QString visibleText(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n'))
            continue;
        if (c < 0x20 && c != u'\t' && c != u'\n' && c != u'\r')
            out += QChar(char16_t(0x2400 + c));
        else if (c == 0x7f)
            out += QChar(char16_t(0x2421));
        else
            out += text.at(i);
    }
    return out;
}

struct Mark
{
    int position;
    int length;
};

// Highlights without touching the text itself, and scrolls the first mark into view.
void markRanges(QPlainTextEdit *edit, const std::vector<Mark> &marks)
{
    QList<QTextEdit::ExtraSelection> selections;
    QTextCharFormat format;
    format.setBackground(QColor(0xef, 0x53, 0x50));
    format.setForeground(Qt::white);
    for (const Mark &mark : marks) {
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(edit->document());
        selection.cursor.setPosition(mark.position);
        selection.cursor.setPosition(mark.position + mark.length, QTextCursor::KeepAnchor);
        selection.format = format;
        selections.append(selection);
    }
    edit->setExtraSelections(selections);
    if (!marks.empty()) {
        QTextCursor cursor(edit->document());
        cursor.setPosition(marks.front().position);
        edit->setTextCursor(cursor);
        edit->centerCursor();
    }
}

// The capture's error is already a sentence for people that names its offset; the tree
// model's own error is a fragment and gets the offset added here.
QString bannerText(const QString &problem, bool ownProblem, bool parsed, qint64 offset, qint64 size)
{
    if (size == 0)
        return problem.isEmpty() || ownProblem ? QStringLiteral("The body is empty.") : problem;
    QString text = ownProblem ? QStringLiteral("Invalid JSON: %1 at byte %2").arg(problem).arg(offset) : problem;
    if (!text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('!')) && !text.endsWith(QLatin1Char('?')))
        text += QLatin1Char('.');
    if (!parsed && offset >= 0 && offset < size)
        text += QStringLiteral(" The byte is marked below.");
    else if (!parsed && offset >= size)
        text += QStringLiteral(" That is the end of the body: it stops too early.");
    return text;
}

QToolButton *makeToggle(const QString &text, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setCheckable(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

QPlainTextEdit *makeTextView(const QString &objectName, QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setUndoRedoEnabled(false);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}
} // namespace

RawJsonPane::RawJsonPane(QWidget *parent)
    : QWidget(parent)
    , m_model(new JsonTreeModel(this))
    , m_pages(new QStackedWidget(this))
    , m_emptyLabel(PaneWidgets::emptyLabel(this))
    , m_treeButton(makeToggle(QStringLiteral("Tree"), this))
    , m_textButton(makeToggle(QStringLiteral("Text"), this))
    , m_hexButton(makeToggle(QStringLiteral("Hex"), this))
    , m_viewButtons(new QButtonGroup(this))
    , m_copyJsonButton(new QPushButton(QStringLiteral("Copy JSON"), this))
    , m_copyRawButton(new QPushButton(QStringLiteral("Copy raw body"), this))
    , m_banner(new QLabel(this))
    , m_views(new QStackedWidget(this))
    , m_tree(new QTreeView(this))
    , m_text(makeTextView(QStringLiteral("rawText"), this))
    , m_hex(makeTextView(QStringLiteral("rawHex"), this))
{
    m_emptyLabel->setText(QStringLiteral("Select an event to see its raw JSON."));

    m_treeButton->setObjectName(QStringLiteral("treeButton"));
    m_textButton->setObjectName(QStringLiteral("textButton"));
    m_hexButton->setObjectName(QStringLiteral("hexButton"));
    m_viewButtons->setExclusive(true);
    m_viewButtons->addButton(m_treeButton, TreeView);
    m_viewButtons->addButton(m_textButton, TextView);
    m_viewButtons->addButton(m_hexButton, HexView);
    connect(m_viewButtons, &QButtonGroup::idClicked, this, &RawJsonPane::showView);

    m_copyJsonButton->setObjectName(QStringLiteral("copyJsonButton"));
    m_copyJsonButton->setToolTip(QStringLiteral("Copy the body as indented JSON"));
    connect(m_copyJsonButton, &QPushButton::clicked, this, &RawJsonPane::copyJson);
    m_copyRawButton->setObjectName(QStringLiteral("copyRawButton"));
    m_copyRawButton->setToolTip(QStringLiteral("Copy the body exactly as received"));
    connect(m_copyRawButton, &QPushButton::clicked, this, &RawJsonPane::copyRawBody);

    // The error text can quote the body: plain text only.
    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #611a15; border: 1px solid #f1aeb5;"
                                           " border-radius: 4px; padding: 6px; }"));
    m_banner->hide();

    m_tree->setObjectName(QStringLiteral("rawTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(JsonTreeModel::ValueColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(JsonTreeModel::TypeColumn, QHeaderView::ResizeToContents);

    m_views->addWidget(m_tree);
    m_views->addWidget(m_text);
    m_views->addWidget(m_hex);

    auto *content = new QWidget(this);
    auto *toolbar = new QHBoxLayout;
    toolbar->setSpacing(0); // the toggles touch, like a segmented control
    toolbar->addWidget(m_treeButton);
    toolbar->addWidget(m_textButton);
    toolbar->addWidget(m_hexButton);
    toolbar->addStretch();
    toolbar->addWidget(m_copyJsonButton);
    toolbar->addSpacing(6);
    toolbar->addWidget(m_copyRawButton);
    QVBoxLayout *contentLayout = PaneWidgets::contentLayout(content);
    contentLayout->addLayout(toolbar);
    contentLayout->addWidget(m_banner);
    contentLayout->addWidget(m_views, 1);

    PaneWidgets::stackPages(this, m_pages, m_emptyLabel, content);

    clearEvent();
}

RawJsonPane::~RawJsonPane() = default;

void RawJsonPane::setEvent(const CapturedEvent &event)
{
    m_body = event.body;
    const bool parsed = m_model->setJson(m_body);
    m_showingJson = parsed;

    QString problem = event.error;
    qint64 offset = event.errorOffset;
    const bool ownProblem = !parsed && problem.isEmpty();
    if (ownProblem) {
        problem = m_model->errorString();
        offset = m_model->errorOffset();
    }

    bool binary = false;
    if (parsed) {
        m_indentedJson = m_model->toIndentedJson();
        m_text->setPlainText(m_indentedJson);
        m_text->setExtraSelections({});
        m_hex->clear();
        m_tree->expandToDepth(1);
        m_tree->resizeColumnToContents(JsonTreeModel::KeyColumn);
    } else {
        m_indentedJson.clear();
        binary = looksBinary(m_body);
        showInvalidBody(offset, binary);
    }

    m_treeButton->setVisible(parsed);
    m_textButton->setVisible(parsed || binary); // a lone toggle would only be noise
    m_hexButton->setVisible(binary);
    m_copyJsonButton->setEnabled(parsed);
    m_copyJsonButton->setToolTip(
        parsed ? QStringLiteral("Copy the body as indented JSON") : QStringLiteral("The body is not valid JSON"));
    m_copyRawButton->setEnabled(!m_body.isEmpty());
    m_banner->setText(bannerText(problem, ownProblem, parsed, offset, m_body.size()));
    m_banner->setVisible(!parsed || !problem.isEmpty());

    showView(parsed ? m_preferredJsonView : (binary ? HexView : TextView));
    m_pages->setCurrentIndex(1);
}

void RawJsonPane::clearEvent()
{
    m_body.clear();
    m_indentedJson.clear();
    m_showingJson = false;
    m_model->clear();
    m_text->clear();
    m_hex->clear();
    m_banner->clear();
    m_banner->hide();
    m_pages->setCurrentIndex(0);
}

QString RawJsonPane::hexDump(
    const QByteArray &data, qint64 from, qint64 to, qint64 markedByte, int *hexPosition, int *asciiPosition)
{
    static constexpr char digits[] = "0123456789abcdef";
    from = std::max<qint64>(0, from);
    to = std::min<qint64>(data.size(), to);
    QString out;
    out.reserve(int((to - from) / 16 + 1) * 79);
    for (qint64 line = from; line < to; line += 16) {
        out += QString::number(line, 16).rightJustified(8, QLatin1Char('0'));
        out += QLatin1String("  ");
        for (int i = 0; i < 16; ++i) {
            const qint64 at = line + i;
            if (at < to) {
                const auto byte = uchar(data.at(at));
                if (at == markedByte && hexPosition)
                    *hexPosition = int(out.size());
                out += QLatin1Char(digits[byte >> 4]);
                out += QLatin1Char(digits[byte & 0xf]);
                out += QLatin1Char(' ');
            } else {
                out += QLatin1String("   "); // keeps the ASCII column aligned on the last line
            }
            if (i == 7)
                out += QLatin1Char(' ');
        }
        out += QLatin1String(" |");
        for (qint64 at = line; at < std::min(line + 16, to); ++at) {
            const auto byte = uchar(data.at(at));
            if (at == markedByte && asciiPosition)
                *asciiPosition = int(out.size());
            out += (byte >= 0x20 && byte < 0x7f) ? QLatin1Char(char(byte)) : QLatin1Char('.');
        }
        out += QLatin1String("|\n");
    }
    return out;
}

bool RawJsonPane::looksBinary(const QByteArray &data)
{
    for (const char c : data) {
        const auto byte = uchar(c);
        if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f)
            return true;
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(data);
    Q_UNUSED(decoded)
    return decoder.hasError();
}

void RawJsonPane::showView(int view)
{
    m_views->setCurrentIndex(view);
    if (QAbstractButton *button = m_viewButtons->button(view))
        button->setChecked(true);
    if (m_showingJson && view != HexView)
        m_preferredJsonView = view;
}

void RawJsonPane::showInvalidBody(qint64 errorOffset, bool binary)
{
    const qint64 size = m_body.size();
    const bool markable = errorOffset >= 0 && errorOffset < size;

    const QString text = visibleText(QString::fromUtf8(m_body));
    m_text->setPlainText(text);
    if (markable && !text.isEmpty()) {
        const qsizetype before = visibleText(QString::fromUtf8(m_body.constData(), errorOffset)).size();
        markRanges(m_text, { { int(std::min(before, text.size() - 1)), 1 } });
    } else {
        m_text->setExtraSelections({});
    }

    if (!binary) {
        m_hex->clear();
        return;
    }
    qint64 from = 0;
    qint64 to = size;
    if (size > HexDumpLimit) {
        const qint64 centre = markable ? errorOffset : 0;
        from = std::max<qint64>(0, centre - HexDumpLimit / 2) & ~qint64(15);
        to = std::min(size, from + HexDumpLimit);
    }
    QString dump;
    if (from > 0)
        dump += QStringLiteral("... %1 bytes before this are not shown\n").arg(from);
    const auto dumpStart = int(dump.size());
    int hexPosition = -1;
    int asciiPosition = -1;
    dump += hexDump(m_body, from, to, markable ? errorOffset : -1, &hexPosition, &asciiPosition);
    if (to < size)
        dump += QStringLiteral("... %1 bytes after this are not shown\n").arg(size - to);
    m_hex->setPlainText(dump);
    if (hexPosition >= 0)
        markRanges(m_hex, { { dumpStart + hexPosition, 2 }, { dumpStart + asciiPosition, 1 } });
    else
        m_hex->setExtraSelections({});
}

void RawJsonPane::copyJson()
{
    if (!m_indentedJson.isEmpty())
        QGuiApplication::clipboard()->setText(m_indentedJson);
}

void RawJsonPane::copyRawBody()
{
    if (m_body.isEmpty())
        return;
    // Text for pasting anywhere, and the exact bytes for those who can take them.
    auto *mime = new QMimeData;
    mime->setText(QString::fromUtf8(m_body));
    mime->setData(QStringLiteral("application/octet-stream"), m_body);
    QGuiApplication::clipboard()->setMimeData(mime);
}

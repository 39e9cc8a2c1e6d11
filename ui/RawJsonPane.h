#pragma once

#include <QByteArray>
#include <QString>
#include <QWidget>

struct CapturedEvent;
class JsonTreeModel;
class QButtonGroup;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QToolButton;
class QTreeView;

// The Raw detail pane: a body that parses is shown as a JSON tree or as indented text; one that
// does not is shown with its error above the bytes as text, and as a hex dump when it is binary,
// with the byte at the error offset marked. Everything that came over the wire goes into
// plain-text widgets only, so a body can never be rendered as HTML.
class RawJsonPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawJsonPane)

public:
    // Bigger bodies are dumped only around the error offset: a full dump is five times the
    // body's size in text and would stall the GUI. Copy raw body still copies every byte.
    static constexpr qint64 HexDumpLimit = 64 * 1024;

    explicit RawJsonPane(QWidget *parent = nullptr);
    ~RawJsonPane() override;

    void setEvent(const CapturedEvent &event);
    void clearEvent();

    // `hexdump -C` layout for data[from, to): offset, 16 hex bytes, the bytes as ASCII. When
    // markedByte is in range, the text positions of its hex pair and its ASCII character are
    // stored in hexPosition and asciiPosition (left untouched otherwise).
    static QString hexDump(const QByteArray &data, qint64 from, qint64 to, qint64 markedByte = -1,
        int *hexPosition = nullptr, int *asciiPosition = nullptr);
    // True when data is not valid UTF-8 or holds control bytes other than tab and line breaks.
    static bool looksBinary(const QByteArray &data);

private:
    enum View
    {
        TreeView,
        TextView,
        HexView
    };

    void showView(int view);
    void showInvalidBody(qint64 errorOffset, bool binary);
    void copyJson();
    void copyRawBody();

    QByteArray m_body;
    QString m_indentedJson;
    int m_preferredJsonView = TreeView;
    bool m_showingJson = false;

    JsonTreeModel *m_model;
    QStackedWidget *m_pages;
    QLabel *m_emptyLabel;
    QToolButton *m_treeButton;
    QToolButton *m_textButton;
    QToolButton *m_hexButton;
    QButtonGroup *m_viewButtons;
    QPushButton *m_copyJsonButton;
    QPushButton *m_copyRawButton;
    QLabel *m_banner;
    QStackedWidget *m_views;
    QTreeView *m_tree;
    QPlainTextEdit *m_text;
    QPlainTextEdit *m_hex;
};

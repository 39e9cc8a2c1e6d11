#pragma once

#include "CapturedEvent.h"
#include "ReplayClient.h"

#include <QDialog>
#include <QList>
#include <QSet>
#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

// Replay: sends a captured event's body (editable first) with the chosen headers to a URL, once
// or N times, and lists each attempt's status, time and response. Unless edited, the body goes
// out byte for byte as captured, even where it is no valid UTF-8 (the editor shows it decoded).
//
// A URL whose host is not this computer is confirmed once per host: the confirmation handler
// (a message box by default) is asked, and a yes is remembered in confirmedHosts() and announced
// by hostConfirmed() so the window can carry it over to the next dialog.
class ReplayDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayDialog)

public:
    // Asked with the host; true means "send there".
    using ConfirmationHandler = std::function<bool(const QString &host)>;

    enum Column
    {
        AttemptColumn,
        StatusColumn,
        TimeColumn,
        ResponseColumn,
        ColumnCount
    };

    explicit ReplayDialog(const CapturedEvent &event, QWidget *parent = nullptr);
    ~ReplayDialog() override;

    // Default: where the event was delivered (CurlCommand::deliveryUrl), i.e. this inspector.
    void setUrl(const QUrl &url);
    QUrl url() const;
    void setCount(int count);
    int count() const;
    void setHeaderChoice(ReplayClient::HeaderChoice choice);
    ReplayClient::HeaderChoice headerChoice() const;
    // The headers that would be sent now (authorization included, unmasked).
    HttpHeaders headersToSend() const;

    void setBody(const QByteArray &body);
    // What would be sent: the captured bytes while the editor is untouched, else the edited text.
    QByteArray body() const;
    bool isBodyEdited() const;
    void resetBody();
    // Indents the body's JSON in the editor (an edit: the indented text is sent); false when it is no JSON.
    bool formatBody();

    void setConfirmedHosts(const QSet<QString> &hosts);
    QSet<QString> confirmedHosts() const;
    void setConfirmationHandler(ConfirmationHandler handler);

    // Earlier results kept with the event: shown first, marked as earlier.
    void setPreviousResults(const QList<ReplayClient::Result> &results);
    // This dialog's results, in order.
    QList<ReplayClient::Result> results() const { return m_results; }
    const CapturedEvent &event() const { return m_event; }
    bool isSending() const;
    QString statusText() const;

public slots:
    // Starts sending; false (with the reason in the status line) when refused or not confirmed.
    bool send();
    void cancel();

signals:
    void hostConfirmed(const QString &host);
    // After each run: every result of this dialog so far, to keep with the event.
    void resultsReady(qint64 eventId, const QList<ReplayClient::Result> &results);

private:
    void addResultRow(const ReplayClient::Result &result, bool earlier);
    void updateHeadersPreview();
    void updateBodyInfo();
    void updateButtons();
    void setStatus(const QString &text);
    void showResponse(int row);

    CapturedEvent m_event;
    QByteArray m_originalBody;
    QString m_originalText; // the editor's text right after loading the captured body
    ReplayClient m_client;
    ConfirmationHandler m_confirm;
    QList<ReplayClient::Result> m_results;
    QList<ReplayClient::Result> m_tableResults; // parallel to the table's rows (earlier ones included)

    QLineEdit *m_url = nullptr;
    QSpinBox *m_count = nullptr;
    QComboBox *m_headers = nullptr;
    QLabel *m_headersPreview = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QLabel *m_bodyInfo = nullptr;
    QPushButton *m_resetBody = nullptr;
    QPushButton *m_formatBody = nullptr;
    QTableWidget *m_table = nullptr;
    QPlainTextEdit *m_response = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_cancel = nullptr;
};

#include "ReplayDialog.h"

#include "CurlCommand.h"
#include "SecretMask.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
QString statusText(const ReplayClient::Result &result)
{
    if (result.status == 0)
        return result.error.isEmpty() ? QStringLiteral("no answer") : result.error;
    return QString::number(result.status);
}

// A response line for the table: one line, shortened; the whole body shows below on selection.
QString responsePreview(const QByteArray &body)
{
    QString text = QString::fromUtf8(body.left(300)).simplified();
    if (body.size() > 300)
        text += QStringLiteral("...");
    return text;
}

} // namespace

ReplayDialog::ReplayDialog(const CapturedEvent &event, QWidget *parent)
    : QDialog(parent)
    , m_event(event)
{
    setObjectName(QStringLiteral("replayDialog"));
    setWindowTitle(QStringLiteral("Replay event #%1").arg(event.row.id));
    resize(760, 680);

    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080/"));
    m_count = new QSpinBox(this);
    m_count->setObjectName(QStringLiteral("countSpin"));
    m_count->setRange(1, ReplayClient::MaxCount);
    m_count->setSuffix(QStringLiteral(" time"));
    connect(m_count, &QSpinBox::valueChanged, this,
        [this](int value) { m_count->setSuffix(value == 1 ? QStringLiteral(" time") : QStringLiteral(" times")); });
    m_headers = new QComboBox(this);
    m_headers->setObjectName(QStringLiteral("headerChoice"));
    m_headers->addItem(QStringLiteral("Content-Type only"), int(ReplayClient::HeaderChoice::ContentType));
    m_headers->addItem(QStringLiteral("Content-Type and authorization (as Thena sends them)"),
        int(ReplayClient::HeaderChoice::ContentTypeAndAuthorization));
    m_headers->addItem(QStringLiteral("All captured headers"), int(ReplayClient::HeaderChoice::All));
    m_headers->setCurrentIndex(1);
    m_headersPreview = new QLabel(this);
    m_headersPreview->setObjectName(QStringLiteral("headersPreview"));
    m_headersPreview->setTextFormat(Qt::PlainText);
    m_headersPreview->setWordWrap(true);
    m_headersPreview->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_body = new QPlainTextEdit(this);
    m_body->setObjectName(QStringLiteral("bodyEdit"));
    m_body->setFont(fixed);
    m_body->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_bodyInfo = new QLabel(this);
    m_bodyInfo->setObjectName(QStringLiteral("bodyInfo"));
    m_bodyInfo->setTextFormat(Qt::PlainText);
    m_resetBody = new QPushButton(QStringLiteral("Reset body"), this);
    m_resetBody->setObjectName(QStringLiteral("resetBodyButton"));
    m_formatBody = new QPushButton(QStringLiteral("Format JSON"), this);
    m_formatBody->setObjectName(QStringLiteral("formatBodyButton"));
    m_formatBody->setToolTip(QStringLiteral("Indent the body for editing; the indented text is what will be sent"));

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("resultsTable"));
    m_table->setHorizontalHeaderLabels(
        { QStringLiteral("#"), QStringLiteral("Status"), QStringLiteral("Time"), QStringLiteral("Response") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(AttemptColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(TimeColumn, QHeaderView::ResizeToContents);
    m_response = new QPlainTextEdit(this);
    m_response->setObjectName(QStringLiteral("responseView"));
    m_response->setReadOnly(true);
    m_response->setFont(fixed);
    m_response->setPlaceholderText(QStringLiteral("Select a result to see its whole response"));

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_send = buttons->addButton(QStringLiteral("Send"), QDialogButtonBox::ActionRole);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(true);
    m_cancel = buttons->addButton(QStringLiteral("Stop"), QDialogButtonBox::ActionRole);
    m_cancel->setObjectName(QStringLiteral("stopButton"));

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Send to"), m_url);
    auto *countRow = new QHBoxLayout;
    countRow->addWidget(m_count);
    countRow->addStretch(1);
    form->addRow(QStringLiteral("Count"), countRow);
    form->addRow(QStringLiteral("Headers"), m_headers);
    form->addRow(QString(), m_headersPreview);

    auto *bodyPane = new QWidget(this);
    auto *bodyLayout = new QVBoxLayout(bodyPane);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addWidget(m_body, 1);
    auto *bodyRow = new QHBoxLayout;
    bodyRow->addWidget(m_bodyInfo, 1);
    bodyRow->addWidget(m_formatBody);
    bodyRow->addWidget(m_resetBody);
    bodyLayout->addLayout(bodyRow);

    auto *resultsPane = new QWidget(this);
    auto *resultsLayout = new QVBoxLayout(resultsPane);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addWidget(m_table, 2);
    resultsLayout->addWidget(m_response, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(bodyPane);
    splitter->addWidget(resultsPane);
    splitter->setChildrenCollapsible(false);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_headers, &QComboBox::currentIndexChanged, this, &ReplayDialog::updateHeadersPreview);
    connect(m_body, &QPlainTextEdit::textChanged, this, &ReplayDialog::updateBodyInfo);
    connect(m_resetBody, &QPushButton::clicked, this, &ReplayDialog::resetBody);
    connect(m_formatBody, &QPushButton::clicked, this, &ReplayDialog::formatBody);
    connect(m_url, &QLineEdit::textChanged, this, &ReplayDialog::updateButtons);
    connect(m_send, &QPushButton::clicked, this, &ReplayDialog::send);
    connect(m_cancel, &QPushButton::clicked, this, &ReplayDialog::cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { showResponse(row); });
    connect(&m_client, &ReplayClient::attemptFinished, this, [this](const ReplayClient::Result &result) {
        m_results.append(result);
        addResultRow(result, false);
        setStatus(QStringLiteral("Sent %1 of %2").arg(result.attempt).arg(m_count->value()));
    });
    connect(&m_client, &ReplayClient::finished, this, [this](const QList<ReplayClient::Result> &run) {
        const auto ok
            = std::count_if(run.cbegin(), run.cend(), [](const ReplayClient::Result &r) { return r.isSuccess(); });
        setStatus(QStringLiteral("Done: %1 of %2 answered 2xx").arg(ok).arg(run.size()));
        updateButtons();
        emit resultsReady(m_event.row.id, m_results);
    });

    m_confirm = [this](const QString &host) {
        const auto answer = QMessageBox::question(this, QStringLiteral("Send outside this computer?"),
            QStringLiteral("%1 is not this computer. The event's body (customer data) and the chosen headers, "
                           "possibly the workspace's secret, will be sent there.\n\nSend to %1?")
                .arg(host),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        return answer == QMessageBox::Yes;
    };

    setUrl(CurlCommand::deliveryUrl(event));
    setBody(event.body);
    updateHeadersPreview();
    updateButtons();
}

ReplayDialog::~ReplayDialog() = default;

void ReplayDialog::setUrl(const QUrl &url)
{
    m_url->setText(url.toString());
}

QUrl ReplayDialog::url() const
{
    return QUrl::fromUserInput(m_url->text().trimmed());
}

void ReplayDialog::setCount(int count)
{
    m_count->setValue(count);
}

int ReplayDialog::count() const
{
    return m_count->value();
}

void ReplayDialog::setHeaderChoice(ReplayClient::HeaderChoice choice)
{
    m_headers->setCurrentIndex(m_headers->findData(int(choice)));
}

ReplayClient::HeaderChoice ReplayDialog::headerChoice() const
{
    return static_cast<ReplayClient::HeaderChoice>(m_headers->currentData().toInt());
}

HttpHeaders ReplayDialog::headersToSend() const
{
    return ReplayClient::chooseHeaders(m_event.headers, headerChoice());
}

void ReplayDialog::updateHeadersPreview()
{
    QStringList lines;
    const HttpHeaders headers = headersToSend();
    for (const auto &[name, value] : headers) {
        // Credentials stay off the screen (SecretMask's one rule: authorization, cookie,
        // x-webhook-secret...); they are sent as captured, which the suffix says.
        lines.append(QString::fromLatin1(name) + QStringLiteral(": ")
            + (SecretMask::isSecretHeader(name) ? SecretMask::maskedText(value) + QStringLiteral(", sent as captured")
                                                : QString::fromUtf8(value)));
    }
    m_headersPreview->setText(lines.isEmpty() ? QStringLiteral("(the captured event has none of these headers)")
                                              : lines.join(QLatin1Char('\n')));
}

void ReplayDialog::setBody(const QByteArray &body)
{
    m_originalBody = body;
    m_body->setPlainText(QString::fromUtf8(body));
    // The editor may normalise line ends; compare against what it holds, not against the bytes.
    m_originalText = m_body->toPlainText();
    updateBodyInfo();
}

QByteArray ReplayDialog::body() const
{
    return isBodyEdited() ? m_body->toPlainText().toUtf8() : m_originalBody;
}

bool ReplayDialog::isBodyEdited() const
{
    return m_body->toPlainText() != m_originalText;
}

void ReplayDialog::resetBody()
{
    setBody(m_originalBody);
}

bool ReplayDialog::formatBody()
{
    const QJsonDocument document = QJsonDocument::fromJson(m_body->toPlainText().toUtf8());
    if (document.isNull())
        return false;
    m_body->setPlainText(QString::fromUtf8(document.toJson(QJsonDocument::Indented)));
    return true;
}

void ReplayDialog::updateBodyInfo()
{
    const QByteArray bytes = body();
    QString info = QStringLiteral("%1 bytes").arg(bytes.size());
    if (isBodyEdited()) {
        info += QStringLiteral(", edited");
    } else {
        info += QStringLiteral(", as captured");
        if (QString::fromUtf8(m_originalBody).toUtf8() != m_originalBody || m_originalText.toUtf8() != m_originalBody)
            info += QStringLiteral(" (sent byte for byte; the editor shows it decoded)");
    }
    QJsonParseError error;
    QJsonDocument::fromJson(bytes, &error);
    const bool json = error.error == QJsonParseError::NoError;
    if (!json)
        info += QStringLiteral("; not valid JSON at byte %1: %2").arg(error.offset).arg(error.errorString());
    m_bodyInfo->setText(info);
    m_formatBody->setEnabled(json && !m_body->isReadOnly());
    m_resetBody->setEnabled(isBodyEdited());
}

void ReplayDialog::setConfirmedHosts(const QSet<QString> &hosts)
{
    for (const QString &host : hosts)
        m_client.confirmHost(host);
}

QSet<QString> ReplayDialog::confirmedHosts() const
{
    return m_client.confirmedHosts();
}

void ReplayDialog::setConfirmationHandler(ConfirmationHandler handler)
{
    m_confirm = std::move(handler);
}

void ReplayDialog::setPreviousResults(const QList<ReplayClient::Result> &results)
{
    for (const ReplayClient::Result &result : results)
        addResultRow(result, true);
}

bool ReplayDialog::isSending() const
{
    return m_client.isRunning();
}

QString ReplayDialog::statusText() const
{
    return m_status->text();
}

bool ReplayDialog::send()
{
    if (m_client.isRunning())
        return false;
    const QUrl target = url();
    if (target.isValid() && ReplayClient::needsConfirmation(target) && !m_client.isHostConfirmed(target.host())) {
        if (!m_confirm || !m_confirm(target.host())) {
            setStatus(QStringLiteral("Not sent: %1 was not confirmed").arg(target.host()));
            return false;
        }
        m_client.confirmHost(target.host());
        emit hostConfirmed(target.host().toLower());
    }
    ReplayClient::Request request;
    request.url = target;
    request.body = body();
    request.headers = headersToSend();
    request.count = m_count->value();
    if (!m_client.start(request)) {
        setStatus(QStringLiteral("Not sent: ") + m_client.errorString());
        return false;
    }
    setStatus(QStringLiteral("Sending to %1...").arg(target.toString()));
    updateButtons();
    return true;
}

void ReplayDialog::cancel()
{
    m_client.cancel();
}

void ReplayDialog::addResultRow(const ReplayClient::Result &result, bool earlier)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_tableResults.append(result);
    const QString when
        = QDateTime::fromMSecsSinceEpoch(result.sentAtMs, Qt::LocalTime).toString(QStringLiteral("HH:mm:ss"));
    auto *attempt = new QTableWidgetItem(
        earlier ? QStringLiteral("%1 (earlier)").arg(result.attempt) : QString::number(result.attempt));
    attempt->setToolTip(QStringLiteral("Sent at %1").arg(when));
    auto *status = new QTableWidgetItem(::statusText(result));
    status->setForeground(result.isSuccess() ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
    auto *time = new QTableWidgetItem(QStringLiteral("%1 ms").arg(result.ms));
    time->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *response = new QTableWidgetItem(responsePreview(result.body));
    const QList<QTableWidgetItem *> items { attempt, status, time, response };
    for (int column = 0; column < ColumnCount; ++column) {
        QTableWidgetItem *item = items.at(column);
        if (earlier)
            item->setForeground(QColor(0x80, 0x80, 0x80));
        m_table->setItem(row, column, item);
    }
    m_table->scrollToBottom();
}

void ReplayDialog::showResponse(int row)
{
    if (row < 0 || row >= m_tableResults.size()) {
        m_response->clear();
        return;
    }
    const ReplayClient::Result &result = m_tableResults.at(row);
    QString text = QString::fromUtf8(result.body);
    if (result.truncated)
        text += QStringLiteral("\n[... cut at %1 bytes]").arg(ReplayClient::MaxResponseBytes);
    if (!result.error.isEmpty())
        text = result.error + (text.isEmpty() ? QString() : QStringLiteral("\n") + text);
    m_response->setPlainText(text);
}

void ReplayDialog::updateButtons()
{
    const bool running = m_client.isRunning();
    m_send->setEnabled(!running && !m_url->text().trimmed().isEmpty());
    m_cancel->setEnabled(running);
    m_url->setEnabled(!running);
    m_count->setEnabled(!running);
    m_headers->setEnabled(!running);
    m_body->setReadOnly(running);
}

void ReplayDialog::setStatus(const QString &text)
{
    m_status->setText(text);
}

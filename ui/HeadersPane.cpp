#include "HeadersPane.h"

#include "PaneWidgets.h"
#include "SecretMask.h"

#include <QClipboard>
#include <QDateTime>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
using namespace PaneWidgets;

QString orNone(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("(none)") : text;
}

QString sizeText(qint64 bytes)
{
    const QLocale locale;
    QString text = bytes == 1 ? QStringLiteral("1 byte") : QStringLiteral("%1 bytes").arg(locale.toString(bytes));
    if (bytes >= 1024)
        text += QStringLiteral(" (%1)").arg(locale.formattedDataSize(bytes));
    return text;
}

QTableWidgetItem *makeItem(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    item->setToolTip(text);
    return item;
}
} // namespace

HeadersPane::HeadersPane(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
    , m_emptyLabel(emptyLabel(this))
    // Path and address come from the network: value labels are plain text, never rich text.
    , m_method(valueLabel(QStringLiteral("methodValue"), this))
    , m_path(valueLabel(QStringLiteral("pathValue"), this))
    , m_remoteAddress(valueLabel(QStringLiteral("remoteAddressValue"), this))
    , m_received(valueLabel(QStringLiteral("receivedValue"), this))
    , m_size(valueLabel(QStringLiteral("sizeValue"), this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_copyButton(new QPushButton(QStringLiteral("Copy headers"), this))
{
    m_emptyLabel->setText(QStringLiteral("Select an event to see its headers."));

    m_table->setObjectName(QStringLiteral("headersTable"));
    m_table->setHorizontalHeaderLabels({ QStringLiteral("Name"), QStringLiteral("Value") });
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);

    m_copyButton->setObjectName(QStringLiteral("copyHeadersButton"));
    m_copyButton->setToolTip(
        QStringLiteral("Copy the headers as \"Name: value\" lines, the authorization value masked"));
    connect(m_copyButton, &QPushButton::clicked, this, &HeadersPane::copyHeaders);

    auto *content = new QWidget(this);
    QFormLayout *summary = form();
    summary->addRow(fieldLabel(QStringLiteral("Method"), content), m_method);
    summary->addRow(fieldLabel(QStringLiteral("Path"), content), m_path);
    summary->addRow(fieldLabel(QStringLiteral("Remote address"), content), m_remoteAddress);
    summary->addRow(fieldLabel(QStringLiteral("Received"), content), m_received);
    summary->addRow(fieldLabel(QStringLiteral("Size"), content), m_size);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_copyButton);
    QVBoxLayout *layout = contentLayout(content);
    layout->addLayout(summary);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    stackPages(this, m_pages, m_emptyLabel, content);

    clearEvent();
}

HeadersPane::~HeadersPane() = default;

void HeadersPane::setEvent(const CapturedEvent &event)
{
    m_headers = event.headers;

    m_method->setText(orNone(event.method));
    m_path->setText(orNone(event.row.path));
    m_remoteAddress->setText(orNone(event.remoteAddress));
    m_received->setText(QDateTime::fromMSecsSinceEpoch(event.row.receivedMs, Qt::UTC)
                            .toLocalTime()
                            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t")));
    // The row's size survives when the stored body is dropped; the body is the fallback.
    m_size->setText(sizeText(event.row.sizeBytes > 0 ? qint64(event.row.sizeBytes) : qint64(event.body.size())));

    m_table->clearContents();
    m_table->setRowCount(int(m_headers.size()));
    for (int row = 0; row < int(m_headers.size()); ++row) {
        const auto &[name, value] = m_headers.at(row);
        m_table->setItem(row, NameColumn, makeItem(QString::fromLatin1(name)));
        m_table->setItem(row, ValueColumn, makeItem(displayValue(name, value)));
    }
    m_copyButton->setEnabled(!m_headers.isEmpty());
    m_pages->setCurrentIndex(1);
}

void HeadersPane::clearEvent()
{
    m_headers.clear();
    m_table->clearContents();
    m_table->setRowCount(0);
    for (QLabel *label : { m_method, m_path, m_remoteAddress, m_received, m_size })
        label->clear();
    m_copyButton->setEnabled(false);
    m_pages->setCurrentIndex(0);
}

bool HeadersPane::isSecretHeader(const QByteArray &name)
{
    return SecretMask::isSecretHeader(name);
}

QString HeadersPane::maskedValue(const QByteArray &value)
{
    return SecretMask::maskedText(value);
}

QString HeadersPane::displayValue(const QByteArray &name, const QByteArray &value)
{
    return SecretMask::displayValue(name, value);
}

QString HeadersPane::headersText(const HttpHeaders &headers)
{
    QString text;
    for (const auto &[name, value] : headers)
        text += QString::fromLatin1(name) + QLatin1String(": ") + displayValue(name, value) + QLatin1Char('\n');
    return text;
}

void HeadersPane::copyHeaders()
{
    QGuiApplication::clipboard()->setText(headersText(m_headers));
}

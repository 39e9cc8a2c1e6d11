#pragma once

#include "CapturedEvent.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

// The Headers detail pane: how a delivery arrived (method, path, sender, time, size) and every
// request header in the order received. Credentials are masked wherever they are shown or
// copied, so a screenshot or a pasted bug report never leaks the webhook secret.
class HeadersPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeadersPane)

public:
    enum Column
    {
        NameColumn,
        ValueColumn,
        ColumnCount
    };

    explicit HeadersPane(QWidget *parent = nullptr);
    ~HeadersPane() override;

    void setEvent(const CapturedEvent &event);
    void clearEvent();

    // The shared rule of SecretMask (models/), which JSON Lines export applies too: `authorization`
    // (Thena's secret), `proxy-authorization`, `cookie`, `*-secret`, `*-token`..., any letter case.
    static bool isSecretHeader(const QByteArray &name);
    // "•••••••• (12 characters)": the length helps to spot a wrong secret, the value stays hidden.
    // An already masked value (an imported export) is shown as it is.
    static QString maskedValue(const QByteArray &value);
    // The value as shown: decoded as UTF-8, masked when the header is a secret.
    static QString displayValue(const QByteArray &name, const QByteArray &value);
    // One "Name: value" line per header, secrets masked; what "Copy headers" copies.
    static QString headersText(const HttpHeaders &headers);

private:
    void copyHeaders();

    HttpHeaders m_headers;

    QStackedWidget *m_pages;
    QLabel *m_emptyLabel;
    QLabel *m_method;
    QLabel *m_path;
    QLabel *m_remoteAddress;
    QLabel *m_received;
    QLabel *m_size;
    QTableWidget *m_table;
    QPushButton *m_copyButton;
};

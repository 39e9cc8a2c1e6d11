#pragma once

#include "DesktopResources.h"

#include <QByteArray>
#include <QList>
#include <QUrl>
#include <QWidget>

class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;

// What the window shows while the table is empty: how to connect Thena (the endpoint to paste,
// the secret, a tunnel to reach this computer from the internet; the tunnel programs are linked,
// not bundled) and "Send sample events", which POSTs the compiled-in Thena samples to the running
// server so that the table fills at once. The samples only ever go over loopback: to the endpoint
// when it is a loopback address, to 127.0.0.1 or ::1 on its port when it listens on every
// address, and nowhere otherwise.
class WelcomePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WelcomePanel)

public:
    explicit WelcomePanel(QWidget *parent = nullptr);
    ~WelcomePanel() override;

    // The server's address once it listens; empty while it starts.
    void setEndpoint(const QUrl &url);
    QUrl endpoint() const { return m_endpoint; }
    // Why the server is not listening; shown instead of the instructions. Empty clears it.
    void setListenError(const QString &message);
    QString listenError() const { return m_listenError; }
    // The expected authorization value, sent with the samples. The panel only says whether one is
    // set; it never shows it.
    void setSecret(const QByteArray &secret);

    // The samples the button sends; DesktopResources::samples() unless replaced (tests).
    void setSamples(const QList<DesktopResources::Sample> &samples);
    QList<DesktopResources::Sample> samples() const { return m_samples; }

    // Where samples go for an endpoint: a loopback URL, or empty when the endpoint is not this
    // computer's loopback or wildcard address.
    static QUrl sampleTarget(const QUrl &endpoint);

    bool isSending() const { return m_sending; }
    QString statusText() const;
    QPushButton *sendSamplesButton() const { return m_sendButton; }

public slots:
    void sendSamples();

signals:
    // After the last sample: how many the server answered 2xx, and how many it did not.
    void samplesSent(int accepted, int failed);
    // The user asked for Capture > Settings (to change the port or the secret).
    void settingsRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void sendNext();
    void updateTexts();
    void updateSendButton();

    QNetworkAccessManager *m_network;
    QLabel *m_heading;
    QLabel *m_error;
    QWidget *m_steps;
    QLineEdit *m_endpointEdit;
    QPushButton *m_copyButton;
    QLabel *m_secretText;
    QLabel *m_tunnelText;
    QPushButton *m_sendButton;
    QLabel *m_sendNote;
    QLabel *m_status;
    QUrl m_endpoint;
    QString m_listenError;
    QByteArray m_secret;
    QList<DesktopResources::Sample> m_samples;
    bool m_sending = false;
    qsizetype m_nextSample = 0;
    int m_accepted = 0;
    QStringList m_failures;
    QUrl m_target; // fixed for one round of sending
};

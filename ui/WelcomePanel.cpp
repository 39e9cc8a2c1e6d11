#include "WelcomePanel.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QEvent>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace {
const QString kSettingsLink = QStringLiteral("thena-inspector:settings");
// Their own documentation pages: the tunnels are the user's choice and are not shipped with us.
const QString kCloudflaredUrl
    = QStringLiteral("https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/");
const QString kNgrokUrl = QStringLiteral("https://ngrok.com/docs/");
constexpr int kSampleTimeoutMs = 10000;
constexpr int kMaxContentWidth = 680;

QLabel *makeText(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setOpenExternalLinks(false); // WelcomePanel decides: one link opens Settings
    return label;
}

} // namespace

WelcomePanel::WelcomePanel(QWidget *parent)
    : QWidget(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_heading(new QLabel(this))
    , m_error(makeText(QStringLiteral("welcomeError"), this))
    , m_steps(new QWidget(this))
    , m_endpointEdit(new QLineEdit(this))
    , m_copyButton(new QPushButton(QStringLiteral("&Copy"), this))
    , m_secretText(makeText(QStringLiteral("welcomeSecret"), this))
    , m_tunnelText(makeText(QStringLiteral("welcomeTunnel"), this))
    , m_sendButton(new QPushButton(QStringLiteral("&Send Sample Events"), this))
    , m_sendNote(makeText(QStringLiteral("welcomeSendNote"), this))
    , m_status(makeText(QStringLiteral("welcomeStatus"), this))
    , m_samples(DesktopResources::samples())
{
    setObjectName(QStringLiteral("welcomePanel"));
    // Samples go to this computer only; a system proxy must not see them, let alone forward them.
    m_network->setProxy(QNetworkProxy::NoProxy);

    m_heading->setObjectName(QStringLiteral("welcomeHeading"));
    m_heading->setTextFormat(Qt::RichText);
    m_heading->setWordWrap(true);
    m_endpointEdit->setObjectName(QStringLiteral("welcomeEndpoint"));
    m_endpointEdit->setReadOnly(true);
    m_copyButton->setObjectName(QStringLiteral("copyEndpointButton"));
    m_sendButton->setObjectName(QStringLiteral("sendSamplesButton"));
    m_status->setTextFormat(Qt::PlainText); // quotes server answers

    auto *endpointRow = new QHBoxLayout;
    endpointRow->addWidget(m_endpointEdit, 1);
    endpointRow->addWidget(m_copyButton);

    auto *pasteText = makeText(QStringLiteral("welcomePaste"), this);
    pasteText->setText(QStringLiteral("<b>1. Paste this endpoint into Thena</b>, under <i>Configuration &rsaquo; "
                                      "Integration &rsaquo; Webhooks</i>. Any path works; the table shows it."));

    auto *stepsLayout = new QVBoxLayout(m_steps);
    stepsLayout->setContentsMargins(0, 0, 0, 0);
    stepsLayout->setSpacing(8);
    stepsLayout->addWidget(pasteText);
    stepsLayout->addLayout(endpointRow);
    stepsLayout->addSpacing(6);
    stepsLayout->addWidget(m_secretText);
    stepsLayout->addSpacing(6);
    stepsLayout->addWidget(m_tunnelText);

    auto *tryRow = new QHBoxLayout;
    tryRow->addWidget(m_sendButton, 0, Qt::AlignTop);
    tryRow->addWidget(m_sendNote, 1);

    auto *column = new QWidget(this);
    column->setMaximumWidth(kMaxContentWidth);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(24, 24, 24, 24);
    columnLayout->setSpacing(10);
    columnLayout->addWidget(m_heading);
    columnLayout->addWidget(m_error);
    columnLayout->addWidget(m_steps);
    columnLayout->addSpacing(10);
    columnLayout->addLayout(tryRow);
    columnLayout->addWidget(m_status);

    // Centred, at most kMaxContentWidth wide so lines stay readable, and scrollable when the table
    // area is short.
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 100);
    row->addStretch(1);
    auto *centre = new QWidget(this);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->addStretch(1);
    centreLayout->addLayout(row);
    centreLayout->addStretch(2);
    auto *scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(centre);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    const auto onLink = [this](const QString &link) {
        if (link == kSettingsLink)
            emit settingsRequested();
        else
            QDesktopServices::openUrl(QUrl(link));
    };
    for (QLabel *label : { pasteText, m_error, m_secretText, m_tunnelText, m_sendNote })
        connect(label, &QLabel::linkActivated, this, onLink);
    connect(m_copyButton, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_endpointEdit->text());
        m_copyButton->setText(QStringLiteral("Copied"));
    });
    connect(m_sendButton, &QPushButton::clicked, this, &WelcomePanel::sendSamples);

    updateTexts();
}

WelcomePanel::~WelcomePanel() = default;

void WelcomePanel::setEndpoint(const QUrl &url)
{
    m_endpoint = url;
    if (url.isValid())
        m_listenError.clear();
    m_copyButton->setText(QStringLiteral("&Copy"));
    updateTexts();
}

void WelcomePanel::setListenError(const QString &message)
{
    m_listenError = message;
    if (!message.isEmpty())
        m_endpoint.clear();
    updateTexts();
}

void WelcomePanel::setSecret(const QByteArray &secret)
{
    m_secret = secret;
    updateTexts();
}

void WelcomePanel::setSamples(const QList<DesktopResources::Sample> &samples)
{
    m_samples = samples;
    updateTexts();
}

QUrl WelcomePanel::sampleTarget(const QUrl &endpoint)
{
    if (!endpoint.isValid() || endpoint.host().isEmpty() || endpoint.scheme() != QLatin1String("http"))
        return {};
    QString host;
    const QHostAddress address(endpoint.host());
    if (endpoint.host().compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        host = QStringLiteral("127.0.0.1");
    else if (address.isNull())
        return {}; // a name could resolve anywhere
    else if (address.isLoopback())
        host = endpoint.host();
    else if (address == QHostAddress(QHostAddress::AnyIPv4))
        host = QStringLiteral("127.0.0.1");
    else if (address == QHostAddress(QHostAddress::AnyIPv6))
        host = QStringLiteral("::1");
    else
        return {}; // a LAN address: the samples would leave the loopback interface
    QUrl target;
    target.setScheme(QStringLiteral("http"));
    target.setHost(host);
    target.setPort(endpoint.port(80));
    target.setPath(QStringLiteral("/"));
    return target;
}

QString WelcomePanel::statusText() const
{
    return m_status->text();
}

void WelcomePanel::sendSamples()
{
    if (m_sending || m_samples.isEmpty())
        return;
    m_target = sampleTarget(m_endpoint);
    if (!m_target.isValid())
        return;
    m_sending = true;
    m_nextSample = 0;
    m_accepted = 0;
    m_failures.clear();
    m_status->setText(QStringLiteral("Sending %1 sample events…").arg(m_samples.size()));
    updateSendButton();
    sendNext();
}

void WelcomePanel::sendNext()
{
    if (m_nextSample >= m_samples.size()) {
        m_sending = false;
        const int failed = static_cast<int>(m_failures.size());
        if (failed == 0) {
            m_status->setText(QStringLiteral("Sent %1 sample events; the server accepted them all.").arg(m_accepted));
        } else {
            m_status->setText(QStringLiteral("%1 of %2 sample events were accepted.\n%3")
                                  .arg(m_accepted)
                                  .arg(m_samples.size())
                                  .arg(m_failures.join(QLatin1Char('\n'))));
        }
        updateSendButton();
        emit samplesSent(m_accepted, failed);
        return;
    }
    // One at a time, in order, so the table tells the samples' story from top to bottom.
    const DesktopResources::Sample &sample = m_samples.at(m_nextSample++);
    QUrl url = m_target;
    url.setPath(QStringLiteral("/sample/") + sample.name);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
        QString(QStringLiteral("Thena-Inspector-Samples/") + QLatin1String(THENA_INSPECTOR_VERSION)));
    if (!m_secret.isEmpty())
        request.setRawHeader("authorization", m_secret);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(kSampleTimeoutMs);
    QNetworkReply *reply = m_network->post(request, sample.body);
    const QString name = sample.name;
    connect(reply, &QNetworkReply::finished, this, [this, reply, name] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300) {
            ++m_accepted;
        } else if (status == 401) {
            m_failures.append(QStringLiteral("%1: 401, the secret here differs from the server's").arg(name));
        } else if (status > 0) {
            m_failures.append(QStringLiteral("%1: %2 %3")
                                  .arg(name)
                                  .arg(status)
                                  .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString()));
        } else {
            m_failures.append(QStringLiteral("%1: %2").arg(name, reply->errorString()));
        }
        sendNext();
    });
}

void WelcomePanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateTexts(); // the error colour follows a light or dark palette
}

void WelcomePanel::updateTexts()
{
    const bool failedToListen = !m_listenError.isEmpty();
    const bool listening = m_endpoint.isValid() && !m_endpoint.isEmpty();
    const QString endpoint = listening ? m_endpoint.toString() : QString();

    if (failedToListen)
        m_heading->setText(QStringLiteral("<h2>The inspector is not receiving</h2>"));
    else if (!listening)
        m_heading->setText(QStringLiteral("<h2>Starting the capture server…</h2>"));
    else
        m_heading->setText(QStringLiteral("<h2>Waiting for Thena webhooks</h2>"));

    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const QString errorColour = dark ? QStringLiteral("#f2b8b5") : QStringLiteral("#b3261e");
    m_error->setVisible(failedToListen);
    m_error->setText(QStringLiteral("<p style='color:%1'>%2</p><p>Choose another address or port in "
                                    "<a href='%3'>Capture &rsaquo; Settings…</a>, or start with "
                                    "<code>--listen 127.0.0.1:PORT</code>.</p>")
                         .arg(errorColour, m_listenError.toHtmlEscaped(), kSettingsLink));

    m_steps->setVisible(listening);
    m_endpointEdit->setText(endpoint);

    if (m_secret.isEmpty()) {
        m_secretText->setText(
            QStringLiteral("<b>2. Set a secret.</b> Thena sends it as the <code>authorization</code> header. Enter "
                           "the same value in <a href='%1'>Capture &rsaquo; Settings…</a>; until then this inspector "
                           "accepts every POST.")
                .arg(kSettingsLink));
    } else {
        m_secretText->setText(QStringLiteral("<b>2. The secret is set.</b> Enter the same value in Thena; deliveries "
                                             "without it are answered 401 and not kept. Change it in "
                                             "<a href='%1'>Capture &rsaquo; Settings…</a>.")
                                  .arg(kSettingsLink));
    }

    // The tunnel forwards to an address of this computer: the loopback one when there is one.
    const int port = m_endpoint.port(80);
    QUrl forwardTo = sampleTarget(m_endpoint).isValid() ? sampleTarget(m_endpoint) : m_endpoint;
    forwardTo.setPath(QString());
    const QString local = forwardTo.toString();
    m_tunnelText->setText(
        QStringLiteral("<b>3. Let Thena reach this computer.</b> Thena posts from the internet. On a workstation, run "
                       "a tunnel such as <a href='%1'>cloudflared</a> or <a href='%2'>ngrok</a> (separate programs, "
                       "not part of Thena Inspector) and paste the public address it prints into Thena instead:"
                       "<br><code style='white-space:pre'>cloudflared tunnel --url %3</code>"
                       "<br><code style='white-space:pre'>ngrok http %4</code>")
            .arg(kCloudflaredUrl, kNgrokUrl, local)
            .arg(port));

    updateSendButton();
}

void WelcomePanel::updateSendButton()
{
    const bool target = sampleTarget(m_endpoint).isValid();
    m_sendButton->setEnabled(!m_sending && !m_samples.isEmpty() && target && m_listenError.isEmpty());
    if (m_samples.isEmpty()) {
        m_sendNote->setText(QStringLiteral("No sample events are built into this copy of Thena Inspector (the "
                                           "shared samples folder was missing when it was built)."));
    } else if (!m_endpoint.isValid() || m_endpoint.isEmpty()) {
        m_sendNote->setText(QStringLiteral("Sample events can be sent once the capture server listens."));
    } else if (!target) {
        m_sendNote->setText(QStringLiteral("Sample events are only sent over loopback, and this inspector listens "
                                           "on %1 only.")
                                .arg(m_endpoint.host().toHtmlEscaped()));
    } else {
        m_sendNote->setText(QStringLiteral("Posts %1 sample Thena webhooks to this inspector over loopback, so "
                                           "the table fills at once.")
                                .arg(m_samples.size()));
    }
}

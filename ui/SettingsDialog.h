#pragma once

#include "CaptureConfig.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QToolButton;

// Edits how the capture server listens (address, port, secret, HTTPS), the limits it puts on
// clients, and how much the capture file keeps. OK stays disabled, with the reason shown, while the
// address is not an IP address; a visible warning says when the address lets other machines in.
//
// HTTPS is checked when OK is pressed, with TlsCredentials, the same check the server makes at
// start: a missing or unreadable file, a key that does not fit the certificate, an expired
// certificate or only one of the two files keeps the dialog open with the reason under the fields.
// There is no silent fallback to plain HTTP.
//
// config() returns the configuration given to setConfig() with the edited fields replaced, so what
// the dialog does not show (the capture file, a failure drill, the header limits) passes through.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    // Units of the body limit; the spin box counts in the chosen one.
    enum SizeUnit
    {
        Bytes,
        KiB,
        MiB
    };

    explicit SettingsDialog(QWidget *parent = nullptr);
    ~SettingsDialog() override;

    void setConfig(const CaptureConfig &config, bool rememberSecret);
    // The address is a null QHostAddress while the field does not parse (OK is disabled then).
    CaptureConfig config() const;
    bool rememberSecret() const;

    // Accepts only when the HTTPS files (if any) load; otherwise shows why and stays open.
    void accept() override;

    // Why the HTTPS files cannot be used, or empty when they can (or when both are empty: plain
    // HTTP). The check accept() makes; public for tests and for callers that validate early.
    static QString tlsProblem(const QString &certFile, const QString &keyFile);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void fitHeight();
    void updateValidation();
    void setSecretVisible(bool visible);
    void browseFor(QLineEdit *field, const QString &title);
    void setMaxBodyBytes(qint64 bytes);
    qint64 maxBodyBytes() const;

    CaptureConfig m_base; // what setConfig() got: the fields this dialog does not edit
    QLineEdit *m_address;
    QLabel *m_addressProblem;
    QLabel *m_exposureWarning;
    QSpinBox *m_port;
    QLineEdit *m_secret;
    QToolButton *m_showSecret;
    QCheckBox *m_rememberSecret;
    QLineEdit *m_certFile;
    QPushButton *m_browseCert;
    QLineEdit *m_keyFile;
    QPushButton *m_browseKey;
    QLabel *m_tlsProblem;
    QSpinBox *m_maxBody;
    QComboBox *m_maxBodyUnit;
    QSpinBox *m_idleTimeout;
    QSpinBox *m_maxConnections;
    QSpinBox *m_keepEvents;
    QSpinBox *m_keepDays;
    QDialogButtonBox *m_buttons;
};

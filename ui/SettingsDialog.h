#pragma once

#include "CaptureConfig.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;

// Edits where the capture server listens and which secret it expects. OK stays disabled, with
// the reason shown, while the address is not an IP address; a visible warning says when the
// address lets other machines in.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(QWidget *parent = nullptr);
    ~SettingsDialog() override;

    void setConfig(const CaptureConfig &config, bool rememberSecret);
    // The address is a null QHostAddress while the field does not parse (OK is disabled then).
    CaptureConfig config() const;
    bool rememberSecret() const;

private:
    void updateValidation();
    void setSecretVisible(bool visible);

    QLineEdit *m_address;
    QLabel *m_addressProblem;
    QLabel *m_exposureWarning;
    QSpinBox *m_port;
    QLineEdit *m_secret;
    QToolButton *m_showSecret;
    QCheckBox *m_rememberSecret;
    QSpinBox *m_keepEvents;
    QSpinBox *m_keepDays;
    QDialogButtonBox *m_buttons;
};

namespace AskVideo.Api.Email;

public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "AskVideo <no-reply@askvideo.local>";

    /// <summary>The front end's base URL; links in emails point there and carry uid and token.</summary>
    public string LinkBaseUrl { get; set; } = "http://localhost:3000";

    /// <summary>Where messages are written as .eml files when no SMTP server is configured.</summary>
    public string PickupDirectory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "AskVideo", "mail");

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    /// <summary>When set, mail goes out through this SMTP server instead of the pickup folder.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Upgrade the connection with STARTTLS when the server offers it.</summary>
    public bool UseStartTls { get; set; } = true;
}

using Microsoft.AspNetCore.Identity;

namespace AskVideo.Core.Accounts;

/// <summary>An account. Integer ids, as in the public API.</summary>
public sealed class User : IdentityUser<int>
{
    public DateTimeOffset CreatedAt { get; set; }
}

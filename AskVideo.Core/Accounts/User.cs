using Microsoft.AspNetCore.Identity;

namespace AskVideo.Core.Accounts;

/// <summary>An account. Integer ids, as in the public API.</summary>
public sealed class User : IdentityUser<int>
{
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Set by an administrator: the account cannot sign in, its access tokens are refused and its
    /// share links stop answering. Null for an active account.
    /// </summary>
    public DateTimeOffset? DeactivatedAt { get; set; }
}

/// <summary>The Identity roles AskVideo knows.</summary>
public static class Roles
{
    /// <summary>Operators: may use <c>/api/admin/</c>. Otherwise ordinary users.</summary>
    public const string Admin = "admin";
}

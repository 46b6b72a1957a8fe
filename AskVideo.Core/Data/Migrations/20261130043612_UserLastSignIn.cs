using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AskVideo.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class UserLastSignIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastSignInAt",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            // Accounts that signed in before the column existed: the best record of it is the
            // first token of their newest sign-in (each password sign-in starts a refresh token family).
            migrationBuilder.Sql("""
                UPDATE users u SET "LastSignInAt" = s.at
                FROM (
                    SELECT "UserId", max(first) AS at
                    FROM (SELECT "UserId", min("CreatedAt") AS first FROM refresh_tokens GROUP BY "UserId", "FamilyId") families
                    GROUP BY "UserId"
                ) s
                WHERE s."UserId" = u."Id";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastSignInAt",
                table: "users");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoDesign.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Membership : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Membership",
                columns: table => new
                {
                    ClusterId = table.Column<string>(type: "text", nullable: false),
                    Silo = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    SuspectTimes = table.Column<string>(type: "text", nullable: false),
                    ProxyPort = table.Column<int>(type: "integer", nullable: false),
                    HostName = table.Column<string>(type: "text", nullable: false),
                    SiloName = table.Column<string>(type: "text", nullable: false),
                    RoleName = table.Column<string>(type: "text", nullable: false),
                    UpdateZone = table.Column<int>(type: "integer", nullable: false),
                    FaultZone = table.Column<int>(type: "integer", nullable: false),
                    StartTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IAmAliveTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ETag = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Membership", x => new { x.ClusterId, x.Silo });
                });

            migrationBuilder.CreateTable(
                name: "MembershipVersions",
                columns: table => new
                {
                    ClusterId = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    ETag = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MembershipVersions", x => x.ClusterId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Membership");

            migrationBuilder.DropTable(
                name: "MembershipVersions");
        }
    }
}

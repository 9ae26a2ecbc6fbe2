using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoDesign.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Plan",
                table: "Jobs",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Plan",
                table: "Jobs");
        }
    }
}
